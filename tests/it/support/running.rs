//! A command started in the background: waited for while a condition the test watches comes
//! true, signalled or killed, and then checked like any other run.

use std::io::{Read, Write};
use std::process::{Child, Command as Process};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::outcome::{Exited, Prepared};

/// A generous bound for something the test waits for: a guard, never a timing.
const GUARD: Duration = Duration::from_secs(60);

/// A running command; killed if the test drops it unfinished.
pub(crate) struct Running {
    child: Child,
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    prepared: Option<Prepared>,
}

impl Running {
    pub(crate) fn start(
        mut process: Process,
        stdin: Option<Vec<u8>>,
        prepared: Prepared,
    ) -> Running {
        let mut child = process.spawn().expect("start pbxbulk");
        if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // A reader that stops early (a refused file) is the test's to judge, not a panic.
            std::thread::spawn(move || pipe.write_all(&bytes));
        }
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        Running {
            child,
            stdout,
            stderr,
            prepared: Some(prepared),
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends signal `name` (`INT`, `TERM`).
    pub(crate) fn signal(&self, name: &str) {
        let sent = Process::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{name}");
    }

    /// Polls until `ready` holds; fails if the run ends first.
    #[track_caller]
    pub(crate) fn wait_for(&mut self, what: &str, mut ready: impl FnMut() -> bool) {
        let guard = Instant::now() + GUARD;
        while !ready() {
            let ended = self.child.try_wait().unwrap().is_some();
            assert!(!ended || ready(), "the run ended before: {what}");
            assert!(Instant::now() < guard, "never: {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// SIGKILL: no chance to clean up. The run's own temporary directory goes with it, so a
    /// run to be killed and resumed works [`super::Run::in_dir`].
    pub(crate) fn kill(mut self) {
        let _ = self.child.kill();
        self.child.wait().unwrap();
    }

    /// Waits for the run to end by itself, for at most `bound`: a bound only a run that
    /// ignored what it was told would miss.
    #[track_caller]
    pub(crate) fn ends_within(mut self, bound: Duration) -> Exited {
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            if start.elapsed() > bound {
                let _ = self.child.kill();
                panic!("still running after {bound:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.wait()
    }

    /// Waits for the run to end by itself.
    pub(crate) fn wait(mut self) -> Exited {
        let status = self.child.wait().unwrap();
        let read = |pipe: Option<JoinHandle<Vec<u8>>>| pipe.map(|p| p.join().unwrap());
        let stdout = read(self.stdout.take()).unwrap_or_default();
        let stderr = read(self.stderr.take()).unwrap_or_default();
        let prepared = self.prepared.take().expect("not yet finished");
        prepared.finish(status, &stdout, &stderr)
    }
}

/// Reads `pipe` to its end on a thread of its own, so that a chatty run never blocks on a
/// full pipe while the test waits for something else.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> Option<JoinHandle<Vec<u8>>> {
    pipe.map(|mut pipe| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    })
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.prepared.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
