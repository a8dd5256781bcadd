//! The pool's bookkeeping with the clock given, and its judgement of
//! answers that are not speech, without a network.

use super::*;

const REST_FOR: Duration = Duration::from_secs(30);

fn fail(balancer: &Balancer, index: usize, times: u32, now: Instant) -> bool {
    let mut rested = false;
    for _ in 0..times {
        rested |= balancer.report(index, Verdict::Failed, now);
    }
    rested
}

/// Starts a request at the best candidate, as a pool with free slots does.
fn take(balancer: &Balancer, avoid: Option<usize>, now: Instant) -> usize {
    let index = balancer.candidates(avoid, now)[0];
    balancer.started(index);
    index
}

#[test]
fn requests_go_to_the_endpoint_with_fewest_in_flight_ties_to_the_first() {
    let now = Instant::now();
    let pool = Balancer::new(3, REST_FOR);
    let taken: Vec<usize> = (0..7).map(|_| take(&pool, None, now)).collect();
    assert_eq!(taken, [0, 1, 2, 0, 1, 2, 0]);
    pool.release(1);
    pool.release(1);
    assert_eq!(pool.candidates(None, now), [1, 2, 0]);
    assert_eq!(take(&pool, None, now), 1);
    assert_eq!(take(&pool, None, now), 1);
    assert_eq!(take(&pool, None, now), 1);
    assert_eq!(take(&pool, None, now), 2);
}

#[test]
fn a_retry_goes_to_another_healthy_endpoint() {
    let now = Instant::now();
    let pool = Balancer::new(2, REST_FOR);
    // Endpoint 1 is busier, but the request just failed at 0.
    take(&pool, None, now);
    take(&pool, None, now);
    take(&pool, None, now);
    pool.release(0);
    pool.release(0);
    assert_eq!(pool.candidates(Some(0), now), [1]);
    // Alone, the endpoint it failed at is asked again.
    let alone = Balancer::new(1, REST_FOR);
    assert_eq!(alone.candidates(Some(0), now), [0]);
}

#[test]
fn failures_in_a_row_rest_an_endpoint_until_its_rest_is_over() {
    let now = Instant::now();
    let pool = Balancer::new(2, REST_FOR);
    // Two failures, then an answer: the count starts again.
    assert!(!fail(&pool, 0, REST_AFTER - 1, now));
    pool.report(0, Verdict::Answered, now);
    assert!(!fail(&pool, 0, REST_AFTER - 1, now));
    assert_eq!(pool.candidates(None, now), [0, 1], "not rested yet");
    assert!(pool.report(0, Verdict::Failed, now), "rested now");
    assert!(!pool.report(0, Verdict::Failed, now), "rested already");
    for _ in 0..4 {
        assert_eq!(take(&pool, None, now), 1);
    }
    assert_eq!(pool.candidates(Some(1), now), [1], "never the rested one");
    // Once its rest is over, one request at a time is sent to it…
    let later = now + REST_FOR + Duration::from_millis(1);
    assert_eq!(take(&pool, None, later), 0);
    assert_eq!(pool.candidates(None, later), [1]);
    // …and its next failure rests it again.
    assert!(pool.report(0, Verdict::Failed, later));
    pool.release(0);
    assert_eq!(pool.candidates(None, later), [1]);
    // An answer makes it healthy.
    pool.report(0, Verdict::Answered, later);
    take(&pool, None, later);
    assert_eq!(pool.candidates(None, later), [0, 1]);
}

#[test]
fn when_every_endpoint_rests_the_one_whose_rest_ends_first_is_asked() {
    let now = Instant::now();
    let pool = Balancer::new(3, REST_FOR);
    fail(&pool, 1, REST_AFTER, now);
    fail(&pool, 2, REST_AFTER, now + Duration::from_secs(1));
    fail(&pool, 0, REST_AFTER, now + Duration::from_secs(2));
    let then = now + Duration::from_secs(3);
    assert_eq!(pool.candidates(None, then), [1, 2, 0]);
    assert_eq!(pool.candidates(Some(1), then), [1, 2, 0]);
    // Alone, resting changes nothing, and is not announced.
    let alone = Balancer::new(1, REST_FOR);
    assert!(!fail(&alone, 0, REST_AFTER, now));
    assert_eq!(alone.candidates(None, now), [0]);
    assert!(!alone.should_move(0, now));
}

#[test]
fn a_request_that_waited_at_an_endpoint_rested_meanwhile_moves() {
    let now = Instant::now();
    let pool = Balancer::new(2, REST_FOR);
    assert!(!pool.should_move(0, now));
    fail(&pool, 0, REST_AFTER, now);
    assert!(pool.should_move(0, now));
    fail(&pool, 1, REST_AFTER, now);
    assert!(!pool.should_move(0, now), "nowhere better to go");
}

#[test]
fn only_transport_errors_and_5xx_count_against_an_endpoint() {
    let http = |status| -> Result<(), TtsError> {
        Err(TtsError::Http {
            service: "s".into(),
            status,
            body: crate::util::BodyKind::Empty,
            message: String::new(),
        })
    };
    assert_eq!(Verdict::of(&http(503)), Verdict::Failed);
    assert_eq!(Verdict::of(&http(500)), Verdict::Failed);
    assert_eq!(Verdict::of(&http(429)), Verdict::Answered);
    // Answers that are not speech are the streak's to judge: they
    // neither count nor end a rest here.
    assert_eq!(Verdict::of(&http(401)), Verdict::Unusable);
    let now = Instant::now();
    let pool = Balancer::new(2, REST_FOR);
    fail(&pool, 0, REST_AFTER, now);
    assert!(!pool.report(0, Verdict::Unusable, now));
    assert_eq!(pool.candidates(None, now), [1], "still rested");
    for _ in 0..5 {
        assert!(!pool.report(1, Verdict::Unusable, now));
    }
    assert_eq!(pool.candidates(None, now), [1]);
    let timeout: Result<(), TtsError> = Err(TtsError::Timeout {
        service: "s".into(),
        timeout_ms: 1,
    });
    assert_eq!(Verdict::of(&timeout), Verdict::Failed);
    assert_eq!(Verdict::of(&Ok(())), Verdict::Answered);
}

fn pool(urls: &[&str]) -> Pool {
    let keys: crate::config::OpenAiKeys = toml::from_str("").unwrap();
    let urls = urls.iter().map(|u| u.to_string()).collect();
    Pool::new(&keys, urls, 2, REST_FOR)
}

fn html() -> TtsError {
    TtsError::NotAudio {
        service: "s".into(),
        status: 200,
        body: crate::util::BodyKind::Html,
        answer: "expected a WAV file, got an HTML page".into(),
    }
}

fn http(status: u16) -> TtsError {
    TtsError::Http {
        service: "s".into(),
        status,
        body: crate::util::BodyKind::Html,
        message: "Not Found".into(),
    }
}

const PAGE: &str = "its first 3 answers were all expected a WAV file, got an HTML page; check the service's url and kind: it answers, but not with speech";

#[test]
fn an_endpoint_answering_web_pages_is_rested_while_another_answers() {
    let pool = pool(&["http://a", "http://b"]);
    assert_eq!(pool.judge("s", 1, "one", &html()), Judged::Elsewhere);
    assert_eq!(pool.judge("s", 1, "two", &html()), Judged::Elsewhere);
    assert!(pool.rested().is_empty());
    assert_eq!(pool.balancer.candidates(None, Instant::now()), [0, 1]);
    // The third segment in a row: given up and rested, not the service.
    assert_eq!(pool.judge("s", 1, "three", &html()), Judged::Elsewhere);
    assert_eq!(pool.rested(), [("http://b", PAGE.to_owned())]);
    assert_eq!(pool.balancer.candidates(None, Instant::now()), [0]);
    assert_eq!(pool.given_up(), None);
    // The other endpoint's errors are its own: a 503 waits and retries.
    assert_eq!(pool.judge("s", 0, "four", &http(503)), Judged::AsIs);
    assert_eq!(pool.judge("s", 0, "four", &http(404)), Judged::AsIs);
    assert_eq!(pool.judge("s", 0, "five", &http(404)), Judged::AsIs);
    // Every endpoint given up: the service is, naming each.
    let Judged::GiveUp(message) = pool.judge("s", 0, "six", &http(404)) else {
        panic!("not given up");
    };
    assert_eq!(
        message,
        format!("service s is misconfigured: none of its 2 endpoints answers with speech (http://a: its first 3 answers were all HTTP 404: Not Found; check the service's url: it has no such endpoint (OpenAI-style services answer at /v1/audio/speech, Piper at /synthesize); http://b: {PAGE}). Nothing more was sent to it")
    );
    assert_eq!(pool.given_up(), Some(message.clone()));
    assert_eq!(
        pool.judge("s", 0, "seven", &http(503)),
        Judged::GiveUp(message)
    );
}

#[test]
fn an_endpoint_that_answers_again_is_in_use_again() {
    let pool = pool(&["http://a", "http://b"]);
    for text in ["one", "two", "three"] {
        pool.judge("s", 0, text, &http(404));
    }
    assert_eq!(pool.balancer.candidates(None, Instant::now()), [1]);
    // On trial after its rest, it answers with speech.
    pool.success(0);
    for text in ["four", "five", "six"] {
        assert_eq!(pool.judge("s", 1, text, &html()), Judged::Elsewhere);
    }
    assert_eq!(pool.given_up(), None, "endpoint 0 works");
    assert_eq!(pool.rested().len(), 2);
}

#[test]
fn alone_an_endpoint_gives_the_service_up_in_the_words_of_one() {
    let pool = pool(&["http://a"]);
    assert_eq!(pool.judge("s", 0, "one", &html()), Judged::AsIs);
    assert_eq!(pool.judge("s", 0, "two", &html()), Judged::AsIs);
    assert_eq!(
        pool.judge("s", 0, "three", &html()),
        Judged::GiveUp(format!(
            "service s is misconfigured: {PAGE}. Nothing more was sent to it"
        ))
    );
    assert!(pool.rested().is_empty());
}
