//! Workers against devices that refuse to open, fail, and hang.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A device that refuses to open `refusals` times, then works; `Fail` makes it fail.
struct Flaky {
    opens: Arc<AtomicUsize>,
    refusals: usize,
    seen: Sender<String>,
}

enum FlakyMsg {
    Ping,
    Fail,
}

impl Service for Flaky {
    type Msg = FlakyMsg;
    type Error = String;

    fn open(&mut self) -> Result<String, String> {
        let n = self.opens.fetch_add(1, Ordering::SeqCst);
        if n < self.refusals {
            Err(format!("refusal {n}"))
        } else {
            Ok(format!("open #{n}"))
        }
    }

    fn close(&mut self) {}

    fn handle(&mut self, msg: FlakyMsg, link: &mut Link) {
        match msg {
            FlakyMsg::Ping => {
                let _ = self.seen.send(link.get().text().to_string());
            }
            FlakyMsg::Fail => link.lost(&"unplugged"),
        }
    }
}

fn quick() -> Backoff {
    Backoff {
        first: Duration::from_millis(5),
        max: Duration::from_millis(20),
    }
}

#[test]
fn a_missing_device_is_retried_with_backoff_and_a_lost_one_reopened() {
    let opens = Arc::new(AtomicUsize::new(0));
    let (seen, heard) = mpsc::channel();
    let o = opens.clone();
    let worker = Worker::start("flaky", quick(), move |_| Flaky {
        opens: o,
        refusals: 3,
        seen,
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while !worker.status().is_open() {
        assert!(
            Instant::now() < deadline,
            "never opened: {:?}",
            worker.status()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(opens.load(Ordering::SeqCst), 4, "three refusals, then open");
    worker.send(FlakyMsg::Ping).unwrap();
    assert_eq!(heard.recv().unwrap(), "open #3");
    worker.send(FlakyMsg::Fail).unwrap();
    while opens.load(Ordering::SeqCst) < 5 {
        assert!(Instant::now() < deadline, "not reopened");
        std::thread::sleep(Duration::from_millis(2));
    }
    worker.send(FlakyMsg::Ping).unwrap();
    assert_eq!(heard.recv().unwrap(), "open #4");
}

#[test]
fn dropping_a_worker_stuck_in_a_call_returns_within_the_bound() {
    struct Stuck;
    impl Service for Stuck {
        type Msg = ();
        type Error = String;
        fn open(&mut self) -> Result<String, String> {
            Ok("stuck".into())
        }
        fn close(&mut self) {}
        fn handle(&mut self, _: (), _: &mut Link) {
            std::thread::sleep(Duration::from_secs(3));
        }
    }
    let worker = Worker::start("stuck", quick(), |_| Stuck);
    worker.send(()).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let t = Instant::now();
    drop(worker);
    assert!(t.elapsed() < STOP_WITHIN + Duration::from_millis(200));
}
