//! The results: one line per check, `PASS name`, `FAIL name: why` or `SKIP name: why`, and a
//! summary `N passed, M failed` (skipped checks are neither).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    pub name: String,
    pub outcome: Outcome,
}

impl fmt::Display for CheckResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Pass => write!(f, "PASS {}", self.name),
            Outcome::Fail(why) => write!(f, "FAIL {}: {}", self.name, one_line(why)),
            Outcome::Skip(why) => write!(f, "SKIP {}: {}", self.name, one_line(why)),
        }
    }
}

/// Keeps one result on one line, whatever a server put in its messages.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Default)]
pub struct Report {
    results: Vec<CheckResult>,
    echo: bool,
}

impl Report {
    /// A report that prints each line as it is recorded when `echo`.
    pub fn new(echo: bool) -> Report {
        Report { results: Vec::new(), echo }
    }

    pub fn record(&mut self, name: impl Into<String>, outcome: Result<(), String>) {
        let outcome = match outcome {
            Ok(()) => Outcome::Pass,
            Err(why) => Outcome::Fail(why),
        };
        self.push(CheckResult { name: name.into(), outcome });
    }

    /// Records a step that other checks build on, and hands its value on; when it failed, each
    /// of `dependents` is skipped as needing it, and there is no value.
    pub fn record_step<T>(&mut self, name: &str, outcome: Result<T, String>, dependents: &[&str]) -> Option<T> {
        match outcome {
            Ok(value) => {
                self.record(name, Ok(()));
                Some(value)
            }
            Err(why) => {
                self.record(name, Err(why));
                for dependent in dependents {
                    self.skip(*dependent, format!("needs {name}"));
                }
                None
            }
        }
    }

    pub fn skip(&mut self, name: impl Into<String>, why: impl Into<String>) {
        self.push(CheckResult { name: name.into(), outcome: Outcome::Skip(why.into()) });
    }

    fn push(&mut self, result: CheckResult) {
        if self.echo {
            println!("{result}");
        }
        self.results.push(result);
    }

    pub fn results(&self) -> &[CheckResult] {
        &self.results
    }

    /// The result of the check named `name`, if it ran.
    pub fn get(&self, name: &str) -> Option<&CheckResult> {
        self.results.iter().find(|result| result.name == name)
    }

    pub fn passed(&self) -> usize {
        self.results.iter().filter(|result| result.outcome == Outcome::Pass).count()
    }

    pub fn failed(&self) -> usize {
        self.results.iter().filter(|result| matches!(result.outcome, Outcome::Fail(_))).count()
    }

    /// `N passed, M failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }

    /// Every line, the summary last.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.results.iter().map(ToString::to_string).collect();
        lines.push(self.summary());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_summary() {
        let mut report = Report::new(false);
        report.record("a", Ok(()));
        report.record("b", Err("broken\nrule".into()));
        report.skip("c", "no admin client given");
        assert_eq!(
            report.lines(),
            ["PASS a", "FAIL b: broken rule", "SKIP c: no admin client given", "1 passed, 1 failed"]
        );
    }
}
