//! The `flow:` front matter schema of `docs/writing.md`, as serde types.

use serde::{Deserialize, Serialize};

/// A decision tree; the first step is where it starts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub steps: Vec<Step>,
}

/// One question or instruction; rendered with the anchor `#step-<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub answers: Vec<Answer>,
}

impl Step {
    /// The anchor the theme gives this step.
    pub fn anchor(&self) -> String {
        format!("step-{}", self.id)
    }
}

/// A choice; exactly one of `next`, `page`, `solved`, `contact` must be set (checked in issue 6).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub label: String,
    /// Id of the step to go to.
    pub next: Option<String>,
    /// Relative `.md` path, optionally with `#anchor`: the fix is on that page.
    pub page: Option<String>,
    #[serde(default)]
    pub solved: bool,
    #[serde(default)]
    pub contact: bool,
}
