//! Keeps every answer the suite's clients receive, to check them all against the contract at
//! the end of the run.

use std::sync::Mutex;

use plateforme_client::{Observer, RawResponse};

#[derive(Default)]
pub struct Recorder {
    responses: Mutex<Vec<RawResponse>>,
}

impl Observer for Recorder {
    fn observe(&self, response: &RawResponse) {
        // A poisoned lock only means another thread panicked while pushing: keep recording.
        let mut responses = self.responses.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        responses.push(response.clone());
    }
}

impl Recorder {
    /// Every answer so far, in the order received.
    pub fn responses(&self) -> Vec<RawResponse> {
        self.responses.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }
}
