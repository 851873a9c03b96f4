//! Reading an LHEO document as a stream: the root is checked (its name and namespace give the
//! version), then each `formation` is handed out as a small tree of its own, and nothing else
//! of the document is held — a catalogue of any size is read in the memory of one formation.

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::model::XmlNode;

/// The namespace of LHEO 2.3.
pub const NAMESPACE_2_3: &str = "http://lheo.gouv.fr/2.3";
/// The namespace of LHEO 2.2, still emitted by many Carif-Oref flows.
pub const NAMESPACE_2_2: &str = "http://www.lheo.org/2.2";

/// The most elements one formation may hold: past it the document is refused rather than held.
const MAX_ELEMENTS_PER_FORMATION: usize = 20_000;

/// The LHEO version a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2_3,
    V2_2,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2_3 => "2.3",
            Self::V2_2 => "2.2",
        }
    }
}

/// Why a document cannot be read on: its rule, where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// `lheo.malformed`, `lheo.root`, `lheo.namespace`, `lheo.empty` or `lheo.formation_too_large`.
    pub rule: &'static str,
    pub line: u64,
    pub message: String,
}

/// Counts the lines of what the XML reader consumed, to name the line of each element.
struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> std::io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        self.newlines += out[..read].iter().filter(|byte| **byte == b'\n').count() as u64;
        Ok(read)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // Filling again without consuming answers the same bytes: those about to be consumed.
        if let Ok(buffered) = self.inner.fill_buf() {
            let end = amount.min(buffered.len());
            self.newlines += buffered[..end].iter().filter(|byte| **byte == b'\n').count() as u64;
        }
        self.inner.consume(amount);
    }
}

/// An LHEO document being read, formation after formation.
pub struct LheoReader<R: BufRead> {
    xml: Reader<LineCounter<R>>,
    buffer: Vec<u8>,
    version: Version,
    finished: bool,
}

impl<R: BufRead> LheoReader<R> {
    /// Reads up to the root element, which must be `lheo` in the 2.3 or 2.2 namespace.
    pub fn open(input: R) -> Result<LheoReader<R>, ReadError> {
        let mut xml = Reader::from_reader(LineCounter { inner: input, newlines: 0 });
        xml.config_mut().trim_text(true);
        let mut reader = LheoReader { xml, buffer: Vec::new(), version: Version::V2_3, finished: false };
        loop {
            match reader.event()? {
                Event::Start(root) => {
                    reader.version = reader.root_version(&root)?;
                    return Ok(reader);
                }
                Event::Empty(_) => {
                    return Err(reader.error("lheo.empty", "the lheo element is empty: no offres to read".into()));
                }
                Event::Eof => return Err(reader.error("lheo.empty", "the document holds no element".into())),
                Event::Text(_) | Event::CData(_) => {
                    return Err(
                        reader.error("lheo.malformed", "text before the root element: not an XML document".into())
                    );
                }
                _ => {}
            }
        }
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// The line the reader stands on (from 1).
    pub fn line(&self) -> u64 {
        self.xml.get_ref().newlines + 1
    }

    /// The next `formation`, or `None` at the end of the document.
    pub fn next_formation(&mut self) -> Result<Option<XmlNode>, ReadError> {
        if self.finished {
            return Ok(None);
        }
        loop {
            match self.event()? {
                Event::Start(start) => {
                    let name = local_name(&start);
                    match name.as_str() {
                        "offres" => {}
                        "formation" => {
                            let node = node_of(&start, self.line());
                            return self.subtree(node).map(Some);
                        }
                        // Another part of the document (a list of organismes…): not read.
                        _ => {
                            let end = start.to_end().into_owned();
                            let mut skipped = Vec::new();
                            self.xml
                                .read_to_end_into(end.name(), &mut skipped)
                                .map_err(|error| self.malformed(&error))?;
                        }
                    }
                }
                Event::End(end) if end.local_name().as_ref() == b"lheo" => {
                    self.finish()?;
                    return Ok(None);
                }
                Event::Eof => {
                    return Err(self.error("lheo.malformed", "the document ends before </lheo>".into()));
                }
                _ => {}
            }
        }
    }

    /// After the root element: only comments and processing instructions may follow.
    fn finish(&mut self) -> Result<(), ReadError> {
        self.finished = true;
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Start(_) | Event::Empty(_) | Event::Text(_) | Event::CData(_) => {
                    return Err(self.error("lheo.malformed", "content after the root element".into()));
                }
                _ => {}
            }
        }
    }

    /// The rest of an element whose start was read: its children, text and end.
    fn subtree(&mut self, root: XmlNode) -> Result<XmlNode, ReadError> {
        let mut open = vec![root];
        let mut elements = 1usize;
        loop {
            let event = self.event()?;
            // After the start tag is read: the line it ends on (where it stands, for one line).
            let line = self.line();
            match event {
                Event::Start(start) => {
                    elements += 1;
                    open.push(node_of(&start, line));
                }
                Event::Empty(start) => {
                    elements += 1;
                    let node = node_of(&start, line);
                    if let Some(parent) = open.last_mut() {
                        parent.children.push(node);
                    }
                }
                Event::Text(text) => {
                    let text = text.unescape().map_err(|error| self.malformed(&error))?.into_owned();
                    if let Some(node) = open.last_mut() {
                        node.text.push_str(&text);
                    }
                }
                Event::CData(data) => {
                    let text = String::from_utf8_lossy(&data.into_inner()).into_owned();
                    if let Some(node) = open.last_mut() {
                        node.text.push_str(&text);
                    }
                }
                Event::End(_) => {
                    let Some(done) = open.pop() else {
                        return Err(self.error("lheo.malformed", "unbalanced end tag".into()));
                    };
                    match open.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Event::Eof => return Err(self.error("lheo.malformed", "the document ends inside a formation".into())),
                _ => {}
            }
            if elements > MAX_ELEMENTS_PER_FORMATION {
                return Err(self.error(
                    "lheo.formation_too_large",
                    format!("a formation holds more than {MAX_ELEMENTS_PER_FORMATION} elements"),
                ));
            }
        }
    }

    fn event(&mut self) -> Result<Event<'static>, ReadError> {
        self.buffer.clear();
        match self.xml.read_event_into(&mut self.buffer) {
            Ok(event) => Ok(event.into_owned()),
            Err(error) => Err(self.malformed(&error)),
        }
    }

    fn root_version(&self, root: &BytesStart<'_>) -> Result<Version, ReadError> {
        if root.local_name().as_ref() != b"lheo" {
            return Err(self.error(
                "lheo.root",
                format!("the root element is <{}>, not <lheo>", String::from_utf8_lossy(root.name().as_ref())),
            ));
        }
        let prefix = root.name().prefix().map(|prefix| String::from_utf8_lossy(prefix.as_ref()).into_owned());
        let declaration = match &prefix {
            Some(prefix) => format!("xmlns:{prefix}"),
            None => "xmlns".to_owned(),
        };
        let namespace = root
            .attributes()
            .flatten()
            .find(|attribute| attribute.key.as_ref() == declaration.as_bytes())
            .and_then(|attribute| attribute.unescape_value().ok().map(|value| value.trim().to_owned()));
        match namespace.as_deref() {
            Some(NAMESPACE_2_3) => Ok(Version::V2_3),
            Some(NAMESPACE_2_2) => Ok(Version::V2_2),
            other => Err(self.error(
                "lheo.namespace",
                format!(
                    "the lheo element's namespace is {}, not {NAMESPACE_2_3} (LHEO 2.3) nor {NAMESPACE_2_2} (LHEO 2.2)",
                    other.map_or_else(|| "missing".to_owned(), |namespace| format!("{namespace:?}"))
                ),
            )),
        }
    }

    fn malformed(&self, error: &quick_xml::Error) -> ReadError {
        self.error("lheo.malformed", format!("not well-formed XML: {error}"))
    }

    fn error(&self, rule: &'static str, message: String) -> ReadError {
        ReadError { rule, line: self.line(), message }
    }
}

fn local_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

/// A node for an element's start: its local name and its attributes (namespace declarations
/// left out).
fn node_of(start: &BytesStart<'_>, line: u64) -> XmlNode {
    let attributes = start
        .attributes()
        .flatten()
        .filter(|attribute| {
            let key = attribute.key.as_ref();
            key != b"xmlns" && !key.starts_with(b"xmlns:")
        })
        .map(|attribute| {
            let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
            let value = attribute.unescape_value().map(|value| value.into_owned()).unwrap_or_default();
            (key, value)
        })
        .collect();
    XmlNode { name: local_name(start), attributes, text: String::new(), children: Vec::new(), line }
}
