use std::time::Duration;

use super::*;
use crate::domain::Action;
use crate::input::Layout;
use crate::pbx::{ApiError, Connection, HttpRequest, Op, Protocol, Reply, RetryPolicy};
use crate::plan::RowWrite;
use crate::run::throttle::{Rate, Throttle};

/// A wire format with a bug: encoding the add of 1002 panics; every other request is
/// refused before anything is sent.
struct Buggy;

impl Protocol for Buggy {
    fn api(&self) -> &'static str {
        "buggy"
    }

    fn record_key(&self) -> &'static str {
        "number"
    }

    fn encode(&self, op: &Op<'_>, _: Option<&str>) -> Result<HttpRequest, ApiError> {
        if let Op::Add(record) = op
            && record.get("number").is_some_and(|n| n == "1002")
        {
            panic!("a bug in the codec");
        }
        Err(ApiError::NotSupported(
            "nothing is sent in this test".into(),
        ))
    }

    fn decode(&self, _: &Op<'_>, _: u16, _: &[u8]) -> Result<Reply, ApiError> {
        Err(ApiError::BadResponse("never asked".into()))
    }
}

fn add(seq: u64, number: &str) -> PipelineItem {
    let mut record = Record::new();
    record.insert("number".into(), number.into());
    PipelineItem {
        seq,
        offset: 0,
        raw: Some(ByteRecord::from(vec![number])),
        step: Step::Send(Queued::new(
            RowWrite {
                row: Some(seq + 2),
                number: number.into(),
                action: Action::Add,
                record,
                changed: String::new(),
                note: String::new(),
                secrets: Vec::new(),
            },
            false,
        )),
    }
}

#[tokio::test]
async fn a_row_whose_task_panics_gets_its_internal_line_and_the_run_goes_on() {
    let connection = Connection {
        base_url: "http://127.0.0.1:9".into(),
        user: "api".into(),
        password: Secret::new("unused-password"),
        insecure: false,
        ca_cert: None,
        timeout: Duration::from_secs(1),
        read_rate: None,
    };
    let table = crate::vendors::table("yeastar-v2");
    let client = Arc::new(Client::new(Box::new(Buggy), table, connection).unwrap());
    let settings = Arc::new(EngineSettings {
        throttle: Throttle::new(Rate::Unlimited),
        journal: None,
        concurrency: 2,
        retry: RetryPolicy::new(0),
        create_if_missing: false,
        written: None,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    let header = ByteRecord::from(vec!["number"]);
    let mut report = Report::create(&path, header, Layout::default()).unwrap();
    let (tx, rx) = mpsc::channel(8);
    for (seq, number) in ["1001", "1002", "1003"].into_iter().enumerate() {
        tx.send(add(seq as u64, number)).await.unwrap();
    }
    drop(tx);
    let progress = Progress::new(None, Duration::from_secs(3600));
    let stop = Arc::new(Stop::default());
    run(rx, client, settings, &mut report, &progress, stop.clone()).await;
    let (summary, closed) = report.finish();
    closed.unwrap();
    assert!(!stop.is_stopped(), "one row's bug does not stop the run");
    assert_eq!((summary.total(), summary.failed), (3, 3));
    let text = std::fs::read_to_string(&path).unwrap();
    let codes: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(4).unwrap())
        .collect();
    assert_eq!(
        codes,
        ["NOT_SUPPORTED", "INTERNAL", "NOT_SUPPORTED"],
        "{text}"
    );
    assert!(text.contains("please report it"), "{text}");
}
