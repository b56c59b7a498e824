//! One build at a time per output folder. Two builds staging into one `.public.prev/` mix two
//! sites, and a later build would trust the mix (issue 13), so [`BuildLock::acquire`] takes an
//! exclusive lock on `.<out>.lock` beside the output before the staging folder is touched, and
//! a second build stops at once, naming the first one's process id.
//!
//! The lock is the operating system's advisory file lock (`File::try_lock`): it is released when
//! the process ends, however it ends, so a killed build never leaves a stale lock behind. The
//! file stays; deleting it would let a third build lock a new file beside a held one.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

/// Held while a build writes its output; dropping it releases the lock.
#[derive(Debug)]
pub struct BuildLock {
    _file: File,
}

/// The lock file of the output folder `out`: `public` → `.public.lock` beside it.
pub fn lock_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.lock"))
}

impl BuildLock {
    /// Locks `out` for this process, or says which process holds it.
    pub fn acquire(out: &Path) -> io::Result<BuildLock> {
        let path = lock_path(out);
        // `--out new/folder/public` is fine: the folders above the output are made, as the
        // swap would make them; only then can the lock beside it exist.
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let who = match text.trim().parse::<u32>() {
                    Ok(pid) => format!("pid {pid}"),
                    Err(_) => "its pid is not known yet".to_string(),
                };
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "another build is running ({who}) into `{}`; wait for it to finish, or stop it (the lock is `{}`)",
                        out.display(),
                        path.display()
                    ),
                ));
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        Ok(BuildLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_first_holder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let held = BuildLock::acquire(&out).unwrap();
        let err = BuildLock::acquire(&out).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        let text = err.to_string();
        assert!(
            text.contains(&format!(
                "another build is running (pid {})",
                std::process::id()
            )),
            "{text}"
        );
        drop(held);
        BuildLock::acquire(&out).expect("released on drop");
    }

    #[test]
    fn an_output_whose_parent_folders_do_not_exist_yet_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("srv/help");
        BuildLock::acquire(&out).expect("parents are made");
        assert!(lock_path(&out).is_file());
    }
}
