//! Lists, page by page: `{"items": [...], "next_cursor": "..."}` and `Link: <…>; rel="next"`.

use std::marker::PhantomData;

use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::ClientError;
use crate::response::RawResponse;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Where the next page is.
enum Next {
    First,
    Cursor(String),
    Link(String),
    Done,
}

/// The path and query of a link: the client puts its own base URL in front.
fn path_and_query(link: &str) -> String {
    match Url::parse(link) {
        Ok(url) => format!("{}{}", url.path(), url.query().map(|query| format!("?{query}")).unwrap_or_default()),
        // A relative reference (`/v1/…?cursor=…`), as the API sends.
        Err(_) => link.to_owned(),
    }
}

/// Reads a list page after page, in the list's stable order: records created meanwhile come
/// after those already read, none is skipped or read twice.
pub struct Pager<T> {
    client: Client,
    path: String,
    query: Vec<(String, String)>,
    next: Next,
    pages: usize,
    item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pager<T> {
    /// The list at `path` with `query` (filters, `limit`); the pager adds `cursor`.
    pub fn new(client: Client, path: impl Into<String>, query: Vec<(String, String)>) -> Pager<T> {
        Pager { client, path: path.into(), query, next: Next::First, pages: 0, item: PhantomData }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Page<T>>, ClientError> {
        Ok(self.next_raw().await?.map(|(page, _)| page))
    }

    /// The next page with the answer it came in (headers included).
    pub async fn next_raw(&mut self) -> Result<Option<(Page<T>, RawResponse)>, ClientError> {
        let request = match &self.next {
            Next::Done => return Ok(None),
            Next::First => self.list_request(None),
            Next::Cursor(cursor) => self.list_request(Some(cursor)),
            Next::Link(target) => self.client.get(target.clone()),
        };
        let response = request.send().await?.expect_status(&[200])?;
        let page: Page<T> = response.json()?;
        self.pages += 1;
        // The cursor is preferred to the `Link`: the link is a path on the server's host, which
        // a gateway publishing the API under a path prefix would not rewrite.
        self.next = match (&page.next_cursor, response.next_link()) {
            (Some(cursor), _) if matches!(&self.next, Next::Cursor(previous) if previous == cursor) => {
                return Err(ClientError::Decode {
                    context: response.context(),
                    message: format!("the server gave cursor {cursor} twice in a row; the list would never end"),
                });
            }
            (Some(cursor), _) => Next::Cursor(cursor.clone()),
            (None, Some(link)) => Next::Link(path_and_query(&link)),
            (None, None) => Next::Done,
        };
        Ok(Some((page, response)))
    }

    /// Every remaining item.
    pub async fn all(mut self) -> Result<Vec<T>, ClientError> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await? {
            items.extend(page.items);
        }
        Ok(items)
    }

    /// Pages read so far.
    pub fn pages_read(&self) -> usize {
        self.pages
    }

    fn list_request(&self, cursor: Option<&str>) -> crate::RequestBuilder<'_> {
        let mut request = self.client.get(self.path.clone());
        for (name, value) in &self.query {
            request = request.query(name, value);
        }
        match cursor {
            Some(cursor) => request.query("cursor", cursor),
            None => request,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_keep_their_path_and_query() {
        assert_eq!(super::path_and_query("/v1/x?cursor=a&limit=2"), "/v1/x?cursor=a&limit=2");
        assert_eq!(super::path_and_query("https://h.example/v1/x?cursor=a"), "/v1/x?cursor=a");
        assert_eq!(super::path_and_query("https://h.example/v1/x"), "/v1/x");
    }
}
