//! What the library's entry points return when they cannot answer, typed
//! so a front end can tell the cases apart: a request it should refuse
//! (exit 2, HTTP 400), an index it cannot read (exit 2, HTTP 503), an
//! error of the caller's own callback, handed back untouched, or a search
//! the caller stopped. Messages are in Chinese, ready to show.
//!
//! Inside the library errors are `anyhow`, with context; a request's fault
//! is raised as [`BadRequest`] ([`bad_request!`]) wherever it is found, and
//! [`Error::from`] sorts an error by that mark at the entry point.

/// The request is wrong: a query, filter, range or field name that cannot
/// be read, or asks for what the query does not have.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadRequest(pub String);

/// The caller asked the search to stop ([`crate::search::Stop`]).
#[derive(Debug, thiserror::Error)]
#[error("检索已按要求中途停止")]
pub struct Stopped;

/// Returns early with a [`BadRequest`]: the request is at fault, not the index.
#[macro_export]
macro_rules! bad_request {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::error::BadRequest(format!($($arg)*))))
    };
}

/// Why an entry point of the library gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request cannot be answered as asked.
    #[error("{0}")]
    Request(String),
    /// The index could not be opened or read (missing, damaged, locked,
    /// built by another version), with what to do about it.
    #[error("{0:#}")]
    Index(anyhow::Error),
    /// The caller's callback failed (a closed pipe, a full disk): its own
    /// error, and nothing else happened after it.
    #[error("{0:#}")]
    Caller(anyhow::Error),
    /// The caller asked the search to stop before it was done.
    #[error("{0}")]
    Stopped(Stopped),
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Error {
        if e.downcast_ref::<Stopped>().is_some() {
            return Error::Stopped(Stopped);
        }
        match e.downcast_ref::<BadRequest>() {
            Some(bad) if e.chain().count() == 1 => Error::Request(bad.0.clone()),
            Some(_) => Error::Request(format!("{e:#}")),
            None => Error::Index(e),
        }
    }
}

impl Error {
    /// Whether the request was at fault.
    pub fn is_request(&self) -> bool {
        matches!(self, Error::Request(_))
    }

    /// The error as `anyhow`, a callback's own error as it was raised (so
    /// it can still be told apart, e.g. a closed pipe).
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            Error::Request(message) => anyhow::Error::new(BadRequest(message)),
            Error::Index(e) | Error::Caller(e) => e,
            Error::Stopped(stopped) => anyhow::Error::new(stopped),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    fn refused() -> anyhow::Result<()> {
        bad_request!("年份“{}”无效", "20x3")
    }

    #[test]
    fn a_request_fault_is_told_from_an_index_fault_through_context() {
        let e = Error::from(refused().unwrap_err());
        assert!(matches!(&e, Error::Request(m) if m == "年份“20x3”无效"), "{e:?}");
        let e = Error::from(refused().context("第 3 行").unwrap_err());
        assert!(e.is_request() && e.to_string() == "第 3 行: 年份“20x3”无效", "{e}");
        let e = Error::from(anyhow::anyhow!("索引已损坏").context("无法打开索引"));
        assert!(!e.is_request() && e.to_string() == "无法打开索引: 索引已损坏", "{e}");
    }
}
