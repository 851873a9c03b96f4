//! Cursor pagination: keyset pages in a stable order, with an opaque cursor naming the last key
//! of the previous page. No offsets: a page never repeats or skips a record because others were
//! added before it.

use crate::StoreError;
use crate::cursor;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// A page to read: how many records, after which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: i64,
    /// The sort key of the last record already seen.
    pub after: Option<String>,
}

impl PageRequest {
    pub fn first(limit: i64) -> PageRequest {
        PageRequest { limit, after: None }
    }

    /// Reads the opaque cursor a previous page handed out.
    pub fn from_cursor(limit: i64, cursor: Option<&str>) -> Result<PageRequest, StoreError> {
        let after = cursor.map(decode_cursor).transpose()?;
        Ok(PageRequest { limit, after })
    }

    /// The date and id a page of a list in date-then-id order starts after (the key
    /// [`date_then_id_key`] wrote in the cursor).
    pub(crate) fn after_date_then_id(&self) -> Result<Option<(String, String)>, StoreError> {
        let Some(after) = &self.after else { return Ok(None) };
        let (date, id) = after.split_once('|').ok_or(StoreError::InvalidCursor)?;
        Ok(Some((date.to_owned(), id.to_owned())))
    }

    /// One more than the limit is fetched, to know whether a next page exists.
    pub fn fetch_limit(&self) -> i64 {
        self.limit + 1
    }
}

/// One page of records, and the cursor of the next one if there is more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds the page from up to `fetch_limit` rows, keyed by `key`.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> String) -> Page<T> {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|last| encode_cursor(&key(last)))
        } else {
            None
        };
        Page { items: rows, next_cursor }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }

    /// Like `map`, for a conversion that can fail (a stored row into what the store hands
    /// out): the first error is the page's.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        let items = self.items.into_iter().map(f).collect::<Result<Vec<_>, E>>()?;
        Ok(Page { items, next_cursor: self.next_cursor })
    }
}

/// Every item of a list, read a page at a time through `read`: for lists bounded by nature (what
/// one person holds, for their own copy; the OAuth clients an operator lists), never a table
/// that grows with the network.
pub fn every_page<T>(mut read: impl FnMut(&PageRequest) -> Result<Page<T>, StoreError>) -> Result<Vec<T>, StoreError> {
    const PAGE: i64 = 500;
    let mut items = Vec::new();
    let mut request = PageRequest::first(PAGE);
    loop {
        let page = read(&request)?;
        items.extend(page.items);
        let Some(cursor) = page.next_cursor else { return Ok(items) };
        request = PageRequest::from_cursor(PAGE, Some(&cursor))?;
    }
}

/// Loads one page of a boxed query in the order of its unique text column `$table::$key`
/// (an id: ids are UUIDv7, so id order is creation order), starting after the page's cursor,
/// and turns each `$row` into what the store hands out; the cursor is the last row's `$key`.
/// The keyset paging of every list in key order, written once; a macro because each table's
/// boxed query and column are their own diesel types.
macro_rules! page_by_key {
    ($conn:expr, $query:expr, $page:expr, $table:ident :: $key:ident, $row:ty, $convert:expr) => {{
        let mut query = $query.order($table::$key.asc()).limit($page.fetch_limit());
        if let Some(after) = &$page.after {
            query = query.filter($table::$key.gt(after.clone()));
        }
        let rows: Vec<$row> = query.load($conn)?;
        $crate::Page::from_rows(rows, $page, |row: &$row| row.$key.clone()).try_map($convert)
    }};
}

pub(crate) use page_by_key;

/// The key of a row in a list ordered by a date (ISO 8601, which sorts as text), then by id.
pub(crate) fn date_then_id_key(date: &str, id: &str) -> String {
    format!("{date}|{id}")
}

/// The row `$id` of `$table` whose column `$parent` is `$parent_id` (a contract of this
/// person, a review of this contract), turned into what the store hands out; `None` when it
/// does not exist or is another parent's. A macro for the same reason as `page_by_key!`.
macro_rules! find_child {
    ($conn:expr, $table:ident :: $parent:ident == $parent_id:expr, $id:expr, $row:ty, $convert:expr) => {{
        let row: Option<$row> = $table::table
            .find($id.to_string())
            .filter($table::$parent.eq($parent_id.to_string()))
            .first($conn)
            .optional()?;
        row.map($convert).transpose()
    }};
}

pub(crate) use find_child;

/// What a keyset cursor's content starts with (the signed content of an offset cursor of the
/// offer search starts with `o`: one cannot be read as the other).
const CURSOR_PREFIX: &str = "k1:";

/// A keyset cursor: the last key seen, signed ([`cursor::seal`]).
fn encode_cursor(key: &str) -> String {
    cursor::seal(&format!("{CURSOR_PREFIX}{key}"))
}

fn decode_cursor(sealed: &str) -> Result<String, StoreError> {
    let text = cursor::open(sealed)?;
    text.strip_prefix(CURSOR_PREFIX).map(str::to_owned).ok_or(StoreError::InvalidCursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_its_key() {
        let request = PageRequest::first(2);
        let page = Page::from_rows(vec!["a", "b", "c"], &request, |s| (*s).to_owned());
        assert_eq!(page.items, vec!["a", "b"]);
        let next = PageRequest::from_cursor(2, page.next_cursor.as_deref()).expect("valid cursor");
        assert_eq!(next.after.as_deref(), Some("b"));
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let page = Page::from_rows(vec![1, 2], &PageRequest::first(2), ToString::to_string);
        assert_eq!(page.next_cursor, None);
    }

    #[test]
    fn a_failed_conversion_fails_the_page() {
        let page = Page::from_rows(vec!["1", "x", "3"], &PageRequest::first(5), |s| (*s).to_owned());
        assert!(page.clone().try_map(str::parse::<i32>).is_err());
        let numbers = Page::from_rows(vec!["1", "2", "3"], &PageRequest::first(2), |s| (*s).to_owned());
        let numbers = numbers.try_map(str::parse::<i32>).expect("numbers");
        assert_eq!(numbers.items, vec![1, 2]);
        assert!(numbers.next_cursor.is_some());
    }

    #[test]
    fn a_signed_cursor_of_another_kind_is_refused() {
        assert!(matches!(PageRequest::from_cursor(2, Some(&cursor::seal("o40"))), Err(StoreError::InvalidCursor)));
    }

    #[test]
    fn a_forged_cursor_is_refused() {
        // `azE6` is base64("k1:"): an unsigned cursor of the empty key, once read as the first page.
        for bad in ["!!", "YWJj", "", "azE6", "azE6YQ"] {
            assert!(matches!(PageRequest::from_cursor(2, Some(bad)), Err(StoreError::InvalidCursor)), "{bad}");
        }
    }
}
