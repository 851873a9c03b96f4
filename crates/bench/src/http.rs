//! A minimal HTTP/1.1 keep-alive client: one request at a time per connection, responses read
//! by `Content-Length` or chunked encoding. Enough to drive the server, and light enough that
//! the load driver does not eat the CPU it measures.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The largest response body read (the pages of organizations are the largest responses).
const MAX_BODY: usize = 64 * 1024 * 1024;

pub struct Connection {
    stream: BufReader<TcpStream>,
    host: String,
    request: Vec<u8>,
    line: Vec<u8>,
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// The server said it closes the connection.
    pub closing: bool,
    /// The `ETag` header, when there is one.
    pub etag: Option<String>,
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

impl Connection {
    pub async fn open(address: SocketAddr) -> io::Result<Connection> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream: BufReader::with_capacity(16 * 1024, stream),
            host: address.to_string(),
            request: Vec::with_capacity(1024),
            line: Vec::with_capacity(256),
        })
    }

    /// Sends a request with `headers` (each `Name: value`) and reads the whole response.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<Response> {
        self.request.clear();
        self.request.extend_from_slice(format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host).as_bytes());
        for (name, value) in headers {
            self.request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if !body.is_empty() || method == "POST" {
            self.request.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
        }
        self.request.extend_from_slice(b"\r\n");
        self.request.extend_from_slice(body);
        self.stream.get_mut().write_all(&self.request).await?;
        self.read_response(method == "HEAD").await
    }

    /// Sends a request whose body of `length` bytes is read from `body` as it is sent
    /// (a document too large to hold), and reads the whole response.
    pub async fn send_streamed(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &mut impl std::io::Read,
        length: u64,
    ) -> io::Result<Response> {
        self.request.clear();
        self.request.extend_from_slice(format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host).as_bytes());
        for (name, value) in headers {
            self.request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        self.request.extend_from_slice(format!("Content-Length: {length}\r\n\r\n").as_bytes());
        self.stream.get_mut().write_all(&self.request).await?;
        let mut chunk = vec![0; 1 << 16];
        loop {
            let read = body.read(&mut chunk)?;
            if read == 0 {
                break;
            }
            self.stream.get_mut().write_all(&chunk[..read]).await?;
        }
        self.read_response(false).await
    }

    pub async fn get(&mut self, path: &str, headers: &[(&str, &str)]) -> io::Result<Response> {
        self.send("GET", path, headers, &[]).await
    }

    /// Reads one line (without its CRLF) into `self.line`.
    async fn read_line(&mut self) -> io::Result<()> {
        self.line.clear();
        let read = self.stream.read_until(b'\n', &mut self.line).await?;
        if read == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the server closed the connection"));
        }
        while matches!(self.line.last(), Some(b'\n' | b'\r')) {
            self.line.pop();
        }
        Ok(())
    }

    async fn read_response(&mut self, head_only: bool) -> io::Result<Response> {
        self.read_line().await?;
        let status_line = String::from_utf8_lossy(&self.line).into_owned();
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| invalid(format!("not an HTTP status line: {status_line:?}")))?;
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut closing = false;
        let mut etag = None;
        loop {
            self.read_line().await?;
            if self.line.is_empty() {
                break;
            }
            let header = String::from_utf8_lossy(&self.line);
            let Some((name, value)) = header.split_once(':') else { continue };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => closing = value.eq_ignore_ascii_case("close"),
                "etag" => etag = Some(value.to_owned()),
                _ => {}
            }
        }
        let no_body = head_only || status == 204 || status == 304 || (100..200).contains(&status);
        let mut body = Vec::new();
        if no_body {
        } else if chunked {
            loop {
                self.read_line().await?;
                let size_text = String::from_utf8_lossy(&self.line);
                let size_text = size_text.split(';').next().unwrap_or("").trim().to_owned();
                let size = usize::from_str_radix(&size_text, 16)
                    .map_err(|_| invalid(format!("bad chunk size {size_text:?}")))?;
                if size == 0 {
                    // Trailers, then the empty line.
                    loop {
                        self.read_line().await?;
                        if self.line.is_empty() {
                            break;
                        }
                    }
                    break;
                }
                if body.len() + size > MAX_BODY {
                    return Err(invalid("response body too large"));
                }
                let start = body.len();
                body.resize(start + size, 0);
                self.stream.read_exact(&mut body[start..]).await?;
                self.read_line().await?;
            }
        } else if let Some(length) = length {
            if length > MAX_BODY {
                return Err(invalid("response body too large"));
            }
            body.resize(length, 0);
            self.stream.read_exact(&mut body).await?;
        } else {
            // Delimited by the end of the connection.
            self.stream.read_to_end(&mut body).await?;
            closing = true;
        }
        Ok(Response { status, body, closing, etag })
    }

    /// Whether the server has closed this (idle) connection, without waiting.
    pub fn closed_by_peer(&self) -> bool {
        let mut probe = [0u8; 1];
        match self.stream.get_ref().try_read(&mut probe) {
            Ok(0) => true,
            Ok(_) => false,
            Err(error) => error.kind() != io::ErrorKind::WouldBlock,
        }
    }
}
