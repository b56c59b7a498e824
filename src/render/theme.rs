//! Finding the templates and static files: `<root>/themes/<theme>/` if the site has it, else the
//! default theme embedded in the binary; then the site's own `templates/` and `static/`, which
//! replace theme files of the same name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// A template's name (`partials/listing.html`), text and the file it came from (for errors).
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    pub text: String,
    pub file: PathBuf,
}

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// By name, after the site's overrides.
    pub templates: BTreeMap<String, TemplateSource>,
    /// Static files by path under `static/`, after the site's additions.
    pub statics: BTreeMap<String, Vec<u8>>,
}

/// Loads theme `name` for the site at `root`.
pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    let mut errors = Vec::new();
    let dir = root.join("themes").join(name);
    let theme_rel = Path::new("themes").join(name);
    if dir.is_dir() {
        read_dir_into(&dir, &theme_rel, &mut theme, &mut errors);
    } else if name == "default" {
        for (path, bytes) in embedded::FILES {
            add(
                &mut theme,
                path,
                bytes.to_vec(),
                theme_rel.join(path),
                &mut errors,
            );
        }
    } else {
        return Err(vec![
            Diagnostic::error(format!("theme `{name}` not found"))
                .at("site.yaml")
                .hint(format!(
                    "put it in `themes/{name}/` or use `theme: default`"
                )),
        ]);
    }
    read_dir_into(root, Path::new(""), &mut theme, &mut errors);
    if errors.is_empty() {
        Ok(theme)
    } else {
        Err(errors)
    }
}

/// Adds `<dir>/templates/**` and `<dir>/static/**`; `rel` is `dir` relative to the site root.
fn read_dir_into(dir: &Path, rel: &Path, theme: &mut Theme, errors: &mut Vec<Diagnostic>) {
    for sub in ["templates", "static"] {
        let base = dir.join(sub);
        if !base.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let entry = match entry {
                Ok(e) if e.file_type().is_file() => e,
                Ok(_) => continue,
                Err(e) => {
                    errors.push(
                        Diagnostic::error("cannot read theme folder")
                            .at(rel.join(sub))
                            .cause(e.to_string()),
                    );
                    continue;
                }
            };
            let inner = entry.path().strip_prefix(dir).expect("under dir");
            let key = inner
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            match std::fs::read(entry.path()) {
                Ok(bytes) => add(theme, &key, bytes, rel.join(inner), errors),
                Err(e) => errors.push(
                    Diagnostic::error("cannot read theme file")
                        .at(rel.join(inner))
                        .cause(e.to_string()),
                ),
            }
        }
    }
}

/// `key` is `templates/<name>` or `static/<path>`.
fn add(theme: &mut Theme, key: &str, bytes: Vec<u8>, file: PathBuf, errors: &mut Vec<Diagnostic>) {
    if let Some(name) = key.strip_prefix("templates/") {
        match String::from_utf8(bytes) {
            Ok(text) => {
                theme.templates.insert(
                    name.to_string(),
                    TemplateSource {
                        name: name.to_string(),
                        text,
                        file,
                    },
                );
            }
            Err(_) => errors.push(Diagnostic::error("template is not UTF-8").at(file)),
        }
    } else if let Some(path) = key.strip_prefix("static/") {
        theme.statics.insert(path.to_string(), bytes);
    }
}
