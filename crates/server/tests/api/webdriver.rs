//! A headless Chromium driven over WebDriver (Debian's `chromium-driver`, `/usr/bin/chromedriver`),
//! spoken to over plain HTTP with `reqwest`: what the browser tests share. [`browse`] starts the
//! demo server, the driver and a fresh browser that reaches 127.0.0.1 only, runs the test's
//! steps within a deadline, and keeps the screenshots in the CI log folder,
//! `$CI_ARTIFACTS/{name}/` (`.ci/run` sets it), else `target/ci-artifacts/{name}/`: never the
//! repository. Without a chromedriver the test says it was skipped; with `REQUIRE_BROWSER=1` (as
//! CI sets) it fails instead.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use plateforme_server::config::Config;
use plateforme_server::in_process::start_demo;
use serde_json::{Value, json};

use crate::portal::{HEADLESS_ON_LOOPBACK, chromium};

/// A whole walk, browser start included, ends within this or fails.
const WHOLE_RUN: Duration = Duration::from_secs(180);
/// How long one element may take to appear (Swagger UI renders the contract in the page).
const ELEMENT_WAIT: Duration = Duration::from_secs(30);
/// The key WebDriver names a found element by.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Runs `steps` in a fresh headless Chromium against the demo server started with `config`;
/// `steps` gets the session, the server's base URL and the screenshot folder `name`, and answers
/// the screenshots it took. On a failure, what the browser showed is saved too.
pub async fn browse(
    name: &str,
    config: Config,
    steps: impl for<'a> AsyncFnOnce(&'a Session, &'a str, &'a Path) -> Result<Vec<PathBuf>, String>,
) {
    let (Some(browser), Some(driver)) = (chromium(), chromedriver()) else {
        assert!(
            std::env::var("REQUIRE_BROWSER").as_deref() != Ok("1"),
            "REQUIRE_BROWSER=1 but chromium or chromedriver is missing (apt-get install chromium chromium-driver)"
        );
        eprintln!("skipped: chromium or chromedriver not installed");
        return;
    };
    let folder = tempfile::tempdir().expect("a folder");
    let server = start_demo(folder.path(), config).await.expect("the demo server");
    let screenshots = screenshot_folder(name);
    let driver = Driver::start(&driver, &folder.path().join("chromedriver.log")).expect("start chromedriver");
    let run = actix_web::rt::time::timeout(WHOLE_RUN, async {
        let session = Session::open(&driver, &browser, &folder.path().join("profile")).await?;
        let outcome = steps(&session, &server.base_url, &screenshots).await;
        if outcome.is_err() {
            // What the browser showed when it failed, for the reader of the CI log.
            let shot = session.screenshot(&screenshots.join("failure.png")).await;
            let source = send(session.http.get(format!("{}/source", session.url))).await.unwrap_or_default();
            let _ = std::fs::write(screenshots.join("failure.html"), source.as_str().unwrap_or_default());
            eprintln!("failure screenshot: {shot:?}");
        }
        session.close().await;
        outcome
    })
    .await;
    let log = std::fs::read_to_string(folder.path().join("chromedriver.log")).unwrap_or_default();
    drop(driver);
    match run {
        Ok(Ok(shots)) => shots.iter().for_each(|shot| println!("screenshot: {}", shot.display())),
        Ok(Err(error)) => {
            panic!("{error}\nscreenshots in {}\nchromedriver's log (end):\n{}", screenshots.display(), tail(&log))
        }
        Err(_) => panic!("the walk took more than {WHOLE_RUN:?}; chromedriver's log (end):\n{}", tail(&log)),
    }
}

pub fn expect(holds: bool, otherwise: String) -> Result<(), String> {
    if holds { Ok(()) } else { Err(otherwise) }
}

/// `CHROMEDRIVER`, else `chromedriver` on the `PATH`.
fn chromedriver() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMEDRIVER") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|dir| dir.join("chromedriver")).find(|candidate| candidate.is_file())
}

/// `$CI_ARTIFACTS/{name}`, else `target/ci-artifacts/{name}` of the workspace; created.
fn screenshot_folder(name: &str) -> PathBuf {
    let root = std::env::var_os("CI_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ci-artifacts"));
    let folder = root.join(name);
    std::fs::create_dir_all(&folder).unwrap_or_else(|error| panic!("cannot create {}: {error}", folder.display()));
    std::fs::canonicalize(&folder).unwrap_or(folder)
}

fn tail(text: &str) -> String {
    let start = text.len().saturating_sub(4000);
    text.get(start..).unwrap_or(text).to_owned()
}

/// A chromedriver in a process group of its own, killed with the browsers it started when
/// dropped, whatever happened.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(program: &Path, log: &Path) -> Result<Driver, String> {
        use std::os::unix::process::CommandExt;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| format!("a free port: {error}"))?
            .port();
        let log = std::fs::File::create(log).map_err(|error| format!("{error}"))?;
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|error| format!("{error}"))?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", program.display()))?;
        Ok(Driver { child, url: format!("http://127.0.0.1:{port}") })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Best effort, the whole group: chromedriver and every Chromium process it started.
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One WebDriver session: a fresh headless Chromium that reaches 127.0.0.1 only.
pub struct Session {
    http: reqwest::Client,
    url: String,
}

impl Session {
    async fn open(driver: &Driver, browser: &Path, profile: &Path) -> Result<Session, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|error| format!("HTTP client: {error}"))?;
        let deadline = Instant::now() + ELEMENT_WAIT;
        while http.get(format!("{}/status", driver.url)).send().await.is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver does not answer".into());
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let mut args: Vec<String> = HEADLESS_ON_LOOPBACK.iter().map(|arg| (*arg).to_owned()).collect();
        args.extend(["--window-size=1280,1024".to_owned(), format!("--user-data-dir={}", profile.display())]);
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": browser, "args": args},
        }}});
        let answer = send(http.post(format!("{}/session", driver.url)).json(&capabilities)).await?;
        let id = answer["sessionId"].as_str().ok_or_else(|| format!("no session: {answer}"))?;
        Ok(Session { url: format!("{}/session/{id}", driver.url), http })
    }

    async fn close(&self) {
        // Best effort: the driver's group is killed after anyway.
        let _ = self.http.delete(&self.url).send().await;
    }

    pub async fn go(&self, url: &str) -> Result<(), String> {
        send(self.http.post(format!("{}/url", self.url)).json(&json!({"url": url}))).await.map(drop)
    }

    pub async fn url(&self) -> Result<String, String> {
        let answer = send(self.http.get(format!("{}/url", self.url))).await?;
        Ok(answer.as_str().unwrap_or_default().to_owned())
    }

    /// The first element `css` selects, once it exists and shows, polled until [`ELEMENT_WAIT`].
    pub async fn wait_for(&self, css: &str) -> Result<String, String> {
        let deadline = Instant::now() + ELEMENT_WAIT;
        loop {
            let found =
                self.http.post(format!("{}/element", self.url)).json(&json!({"using": "css selector", "value": css}));
            if let Ok(answer) = send(found).await
                && let Some(element) = answer[ELEMENT].as_str()
                && self.displayed(element).await
            {
                return Ok(element.to_owned());
            }
            if Instant::now() > deadline {
                let url = self.url().await.unwrap_or_default();
                return Err(format!("no {css} shown within {ELEMENT_WAIT:?} on {url}"));
            }
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn displayed(&self, element: &str) -> bool {
        let shown = send(self.http.get(format!("{}/element/{element}/displayed", self.url))).await;
        shown.is_ok_and(|shown| shown.as_bool() == Some(true))
    }

    /// Waits for `css`, then clicks it (again until the deadline while something covers it).
    pub async fn click(&self, css: &str) -> Result<(), String> {
        let deadline = Instant::now() + ELEMENT_WAIT;
        loop {
            let element = self.wait_for(css).await?;
            let clicked = send(self.http.post(format!("{}/element/{element}/click", self.url)).json(&json!({}))).await;
            match clicked {
                Ok(_) => return Ok(()),
                Err(error) if Instant::now() > deadline => return Err(format!("cannot click {css}: {error}")),
                Err(_) => actix_web::rt::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Brings `element` to the middle of the window, for the screenshot.
    pub async fn scroll_to(&self, element: &str) -> Result<(), String> {
        let script = json!({"script": "arguments[0].scrollIntoView({block: 'center'})", "args": [{ELEMENT: element}]});
        send(self.http.post(format!("{}/execute/sync", self.url)).json(&script)).await.map(drop)
    }

    pub async fn text_of(&self, element: &str) -> Result<String, String> {
        let answer = send(self.http.get(format!("{}/element/{element}/text", self.url))).await?;
        Ok(answer.as_str().unwrap_or_default().to_owned())
    }

    pub async fn property(&self, element: &str, name: &str) -> Result<String, String> {
        let answer = send(self.http.get(format!("{}/element/{element}/property/{name}", self.url))).await?;
        Ok(answer.as_str().unwrap_or_default().to_owned())
    }

    /// Saves what the window shows as a PNG at `path`.
    pub async fn screenshot(&self, path: &Path) -> Result<PathBuf, String> {
        let answer = send(self.http.get(format!("{}/screenshot", self.url))).await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(answer.as_str().unwrap_or_default())
            .map_err(|error| format!("the screenshot: {error}"))?;
        std::fs::write(path, png).map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        Ok(path.to_owned())
    }
}

/// Sends a WebDriver command; answers its `value`, or its error.
async fn send(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|error| format!("WebDriver: {error}"))?;
    let status = response.status();
    let answer: Value = response.json().await.map_err(|error| format!("WebDriver's answer: {error}"))?;
    if status.is_success() {
        Ok(answer["value"].clone())
    } else {
        Err(format!("WebDriver {status}: {}", answer["value"]))
    }
}

impl Session {
    /// Types `text` into `element` as a keyboard would (WebDriver's "element send keys").
    pub async fn type_into(&self, element: &str, text: &str) -> Result<(), String> {
        let keys = json!({"text": text});
        send(self.http.post(format!("{}/element/{element}/value", self.url)).json(&keys)).await.map(drop)
    }

    /// Runs `script` in the page with `args`; answers what it returns.
    pub async fn run_script(&self, script: &str, args: Value) -> Result<Value, String> {
        send(self.http.post(format!("{}/execute/sync", self.url)).json(&json!({"script": script, "args": args}))).await
    }

    /// The attribute `name` of `element` (empty when it has none).
    pub async fn attribute(&self, element: &str, name: &str) -> Result<String, String> {
        let answer = send(self.http.get(format!("{}/element/{element}/attribute/{name}", self.url))).await?;
        Ok(answer.as_str().unwrap_or_default().to_owned())
    }

    /// The element that has the keyboard focus.
    pub async fn focused(&self) -> Result<String, String> {
        let answer = send(self.http.get(format!("{}/element/active", self.url))).await?;
        answer[ELEMENT].as_str().map(str::to_owned).ok_or_else(|| format!("no focused element: {answer}"))
    }
}
