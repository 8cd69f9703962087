//! A token set in one JSON file, replaced atomically: written to a temporary
//! file in the same directory, fsynced, renamed over the old one, and the
//! directory fsynced — so a crash at any moment leaves the old or the new
//! document, never a torn one. Mode 0600 on Unix.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{TokenStore, decode, encode};
use crate::error::{Error, Result};
use crate::token::TokenSet;
use crate::transport::BoxFuture;

/// A file store. The path is shown in errors; the contents never are.
#[derive(Clone, Debug)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// A store at `path` (the file need not exist yet; its directory must).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileStore { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io_error(&self, what: &str, e: std::io::Error) -> Error {
        Error::Store(format!("cannot {what} {}: {e}", self.path.display()))
    }

    /// Reads the stored set (blocking). A file that holds no token set is
    /// moved aside, to `<path>.damaged-<unix seconds>`, never overwritten, and
    /// reported as [`Error::StoreDamaged`] naming where it went.
    pub fn load_now(&self) -> Result<Option<TokenSet>> {
        match fs::read(&self.path) {
            Ok(bytes) => match decode(&bytes, &self.path.display().to_string()) {
                Ok(t) => Ok(Some(t)),
                Err(Error::StoreDamaged(detail)) => {
                    Err(Error::StoreDamaged(self.set_aside(detail)))
                }
                Err(e) => Err(e),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io_error("read", e)),
        }
    }

    /// Renames a damaged file out of the way; says where it went.
    fn set_aside(&self, detail: String) -> String {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut aside = self.path.clone().into_os_string();
        aside.push(format!(".damaged-{secs}"));
        let aside = PathBuf::from(aside);
        match fs::rename(&self.path, &aside) {
            Ok(()) => format!("{detail}; kept as {}", aside.display()),
            Err(e) => format!("{detail}; could not move it aside: {e}"),
        }
    }

    /// Writes the set atomically and durably (blocking).
    pub fn save_now(&self, tokens: &TokenSet) -> Result<()> {
        let bytes = encode(tokens)?;
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            crate::pkce::random_token(6)
        ));
        let result = (|| {
            let mut f = create_private(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, &self.path)?;
            sync_dir(&dir)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(|e| self.io_error("write", e))
    }

    /// Removes the file (blocking).
    pub fn clear_now(&self) -> Result<()> {
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.io_error("remove", e)),
        }
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Without the async runtime (the sans-IO build), file work runs inline.
#[cfg(not(feature = "reqwest"))]
async fn off_workers<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    work()
}
#[cfg(feature = "reqwest")]
use super::off_workers;

impl TokenStore for FileStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>>> {
        let store = self.clone();
        Box::pin(off_workers(move || store.load_now()))
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<()>> {
        let (store, tokens) = (self.clone(), tokens.clone());
        Box::pin(off_workers(move || store.save_now(&tokens)))
    }

    fn clear(&self) -> BoxFuture<'_, Result<()>> {
        let store = self.clone();
        Box::pin(off_workers(move || store.clear_now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "oauth2kit-filestore-{}",
            crate::pkce::random_token(6)
        ));
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn round_trip_mode_and_garbage() {
        let dir = temp_dir();
        let store = FileStore::new(dir.join("tokens.json"));
        assert!(store.load_now().unwrap().is_none());
        let mut t = TokenSet::bearer("AT");
        t.refresh_token = Some("RT".into());
        store.save_now(&t).unwrap();
        assert_eq!(
            store
                .load_now()
                .unwrap()
                .unwrap()
                .refresh_token
                .unwrap()
                .expose(),
            "RT"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // no temporary files left behind
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::write(store.path(), b"{\"version\":1,\"tok").unwrap();
        let err = store.load_now().unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, Error::StoreDamaged(_)) && msg.contains("tokens.json.damaged-"),
            "{msg}"
        );
        assert!(!msg.contains("AT"));
        // Kept aside, not overwritten: the store now reads as empty.
        assert!(store.load_now().unwrap().is_none());
        let kept: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            kept.iter().any(|n| n.starts_with("tokens.json.damaged-")),
            "{kept:?}"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_directory_is_an_error_naming_the_path() {
        let store = FileStore::new("/nonexistent-oauth2kit-dir/tokens.json");
        let err = store.save_now(&TokenSet::bearer("x")).unwrap_err();
        assert!(
            err.to_string()
                .contains("/nonexistent-oauth2kit-dir/tokens.json")
        );
    }
}
