//! The `flow:` front matter of a troubleshooting page, as written (see `docs/writing.md`,
//! "Troubleshooting flows"). Parsed with the rest of the front matter; [`super::validate`]
//! checks the graph and [`super::render`] turns it into the template view.

use serde::{Deserialize, Serialize};

/// A decision tree: the first step is where the flow starts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub steps: Vec<Step>,
}

/// One question or instruction, anchored on the page as `#step-<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub text: String,
    /// Missing answers are a validation error with a clearer message than serde's, hence the default.
    #[serde(default)]
    pub answers: Vec<Answer>,
}

/// A choice the customer can make at a step. Exactly one of the four targets must be set;
/// [`Answer::targets`] lists those that are, and validation rejects zero or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub label: String,
    /// Id of another step.
    #[serde(default)]
    pub next: Option<String>,
    /// Relative `.md` path, optionally with `#anchor`, checked like a Markdown link.
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub solved: bool,
    #[serde(default)]
    pub contact: bool,
}

/// Where an answer leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    Next(&'a str),
    Page(&'a str),
    Solved,
    Contact,
}

impl Target<'_> {
    /// The front matter key that sets this target.
    pub fn key(&self) -> &'static str {
        match self {
            Target::Next(_) => "next",
            Target::Page(_) => "page",
            Target::Solved => "solved",
            Target::Contact => "contact",
        }
    }
}

impl Answer {
    /// Every target this answer sets, in schema order.
    pub fn targets(&self) -> Vec<Target<'_>> {
        let mut t = Vec::new();
        if let Some(next) = &self.next {
            t.push(Target::Next(next));
        }
        if let Some(page) = &self.page {
            t.push(Target::Page(page));
        }
        if self.solved {
            t.push(Target::Solved);
        }
        if self.contact {
            t.push(Target::Contact);
        }
        t
    }

    /// The one target, when the answer is valid.
    pub fn target(&self) -> Option<Target<'_>> {
        match self.targets().as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

impl Step {
    /// The anchor the theme gives this step.
    pub fn anchor(&self) -> String {
        format!("step-{}", self.id)
    }
}

impl Flow {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn parses_the_documented_example() {
        let yaml = r#"
steps:
  - id: verified
    title: Is the sender verified?
    text: Open **Connect → Senders** and look at the sender's status.
    answers:
      - label: "Yes, it says Verified"
        next: test-send
      - label: "No, it says Pending"
        page: ../connect/senders.md#verify-a-sender
  - id: test-send
    title: Send a test message
    text: Use **Send test** on the sender's page.
    answers:
      - label: "The test arrived"
        solved: true
      - label: "It did not arrive"
        contact: true
"#;
        let flow: Flow = crate::yaml::parse(yaml, Path::new("a.md"), 1).unwrap();
        assert_eq!(flow.steps.len(), 2);
        let targets: Vec<_> = flow
            .steps
            .iter()
            .flat_map(|s| &s.answers)
            .map(|a| a.target().unwrap())
            .collect();
        assert_eq!(
            targets,
            [
                Target::Next("test-send"),
                Target::Page("../connect/senders.md#verify-a-sender"),
                Target::Solved,
                Target::Contact
            ]
        );
    }

    #[test]
    fn unknown_answer_key_is_rejected() {
        let err = crate::yaml::parse::<Flow>(
            "steps:\n  - id: a\n    title: A\n    answers:\n      - label: x\n        nxt: b\n",
            Path::new("a.md"),
            1,
        )
        .unwrap_err();
        // The key and its line are named; `yaml.rs` words the rest.
        assert!(err.message.contains("`nxt`"), "{err}");
        assert_eq!(err.line, Some(6));
    }
}
