//! A service's endpoints, and which of them gets the next request.
//!
//! A service lists one URL or several (`url = [...]`); each is an
//! [`Endpoint`] with its own request shape and its own `concurrency`
//! slots. Requests queue for the pool in the order they are made (so a
//! build still asks in script order), as many at once as the pool has
//! slots, and each goes to the healthy endpoint with the fewest requests
//! in flight that has a free slot (ties: the first listed): a faster
//! endpoint frees its slots sooner and takes more. An endpoint whose requests fail [`REST_AFTER`] times in a row
//! with a transport error or a 5xx ([`Verdict::Failed`]) is rested: while
//! another is healthy nothing is sent to it, and a request that failed at
//! an endpoint is retried at another. When every endpoint is rested, the
//! one whose rest ends first is asked. Once its rest is over an endpoint
//! is on trial: it takes one request at a time until it answers (healthy
//! again) or fails (rested again). A single URL is a pool of one, where resting changes nothing.
//!
//! An endpoint that answers, but not with speech (a web page under 200, a
//! 404: [`answer::unusable`]), is judged apart, per endpoint ([`Streak`]):
//! a segment that got such an answer tries another endpoint at once (within
//! its retries), and an endpoint whose first [`answer::GIVE_UP_AFTER`] segments all
//! got the same such answer is given up and rested, while the others take
//! its requests. The service is given up as misconfigured only when every
//! endpoint is given up ([`Pool::judge`]). Every endpoint rested during a
//! run is listed with why ([`Pool::rested`]), for the build's summary.
//!
//! The choosing ([`Balancer`]) is bookkeeping with the clock given, tested
//! without a network; [`Pool`] adds the slots and the request shapes.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

use super::answer::{self, Streak};
use super::api::{Api, KindApi};
use super::TtsError;

/// Failures in a row that rest an endpoint.
pub(crate) const REST_AFTER: u32 = 3;

/// How long a failing endpoint rests (before `BRIEFCAST_TIME_SCALE`).
pub(crate) const REST: Duration = Duration::from_secs(30);

/// What one exchange with an endpoint says of its health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It answered, whatever it said: it is up.
    Answered,
    /// Unreachable, reset, timed out or a 5xx: it may be down.
    Failed,
    /// Up, but not answering with speech: judged by its [`Streak`], so
    /// it neither counts as a failure here nor ends a rest.
    Unusable,
}

impl Verdict {
    pub(crate) fn of<T>(result: &Result<T, TtsError>) -> Verdict {
        match result {
            Err(TtsError::Network { .. } | TtsError::Timeout { .. }) => Verdict::Failed,
            Err(TtsError::Http { status, .. }) if *status >= 500 => Verdict::Failed,
            Err(error) if answer::unusable(error) => Verdict::Unusable,
            _ => Verdict::Answered,
        }
    }
}

/// One endpoint's load and health.
#[derive(Debug, Clone, Default)]
struct Health {
    /// Requests holding one of its slots.
    in_flight: usize,
    /// Failures since it last answered.
    failures: u32,
    rested_until: Option<Instant>,
}

impl Health {
    fn rested(&self, now: Instant) -> bool {
        self.rested_until.is_some_and(|until| until > now)
    }

    /// Whether it may take a request now: not rested, and once rested,
    /// one request at a time until it answers.
    fn available(&self, now: Instant) -> bool {
        let busy_on_trial = self.failures >= REST_AFTER && self.in_flight > 0;
        !self.rested(now) && !busy_on_trial
    }
}

/// Which endpoint of a pool gets the next request.
#[derive(Debug)]
pub(crate) struct Balancer {
    endpoints: Mutex<Vec<Health>>,
    rest: Duration,
}

impl Balancer {
    pub(crate) fn new(endpoints: usize, rest: Duration) -> Balancer {
        assert!(endpoints > 0, "a pool has an endpoint");
        Balancer {
            endpoints: Mutex::new(vec![Health::default(); endpoints]),
            rest,
        }
    }

    /// The endpoints the next request may go to, best first: the healthy
    /// ones other than `avoid` (where the request just failed), fewest in
    /// flight first (ties: the first listed); else `avoid`, if healthy;
    /// when all are rested, all of them, the soonest back first.
    pub(crate) fn candidates(&self, avoid: Option<usize>, now: Instant) -> Vec<usize> {
        candidates(&self.lock(), avoid, now)
    }

    /// A request holds a slot at `index`, until [`Balancer::release`].
    pub(crate) fn started(&self, index: usize) {
        self.lock()[index].in_flight += 1;
    }

    /// A request started at `index` is over.
    pub(crate) fn release(&self, index: usize) {
        let mut endpoints = self.lock();
        endpoints[index].in_flight = endpoints[index].in_flight.saturating_sub(1);
    }

    /// Counts an exchange with `index`; true when this rests it while
    /// another endpoint may take its requests.
    pub(crate) fn report(&self, index: usize, verdict: Verdict, now: Instant) -> bool {
        let mut endpoints = self.lock();
        let others = endpoints.len() > 1;
        let health = &mut endpoints[index];
        match verdict {
            Verdict::Answered => {
                health.failures = 0;
                health.rested_until = None;
                false
            }
            Verdict::Failed => {
                health.failures += 1;
                if health.failures < REST_AFTER {
                    return false;
                }
                let was_rested = health.rested(now);
                health.rested_until = Some(now + self.rest);
                others && !was_rested
            }
            Verdict::Unusable => false,
        }
    }

    /// Rests `index` now, whatever its count: once its rest is over it is
    /// on trial, one request at a time.
    pub(crate) fn rest(&self, index: usize, now: Instant) {
        let mut endpoints = self.lock();
        let health = &mut endpoints[index];
        health.failures = health.failures.max(REST_AFTER);
        health.rested_until = Some(now + self.rest);
    }

    /// Whether a request that waited for a slot at `index` should go
    /// elsewhere: it was rested meanwhile and another endpoint is healthy.
    pub(crate) fn should_move(&self, index: usize, now: Instant) -> bool {
        let endpoints = self.lock();
        endpoints[index].rested(now) && endpoints.iter().any(|h| !h.rested(now))
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Health>> {
        self.endpoints.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn candidates(endpoints: &[Health], avoid: Option<usize>, now: Instant) -> Vec<usize> {
    let all = 0..endpoints.len();
    let healthy = |i: &usize| endpoints[*i].available(now);
    let mut elsewhere: Vec<usize> = all
        .clone()
        .filter(healthy)
        .filter(|&i| Some(i) != avoid)
        .collect();
    if !elsewhere.is_empty() {
        // A stable sort: ties stay in the order listed.
        elsewhere.sort_by_key(|&i| endpoints[i].in_flight);
        return elsewhere;
    }
    if let Some(avoid) = avoid.filter(healthy) {
        return vec![avoid];
    }
    let mut rested: Vec<usize> = all.collect();
    rested.sort_by_key(|&i| endpoints[i].rested_until);
    rested
}

/// One URL of a service: its request shape and its slots.
pub(crate) struct Endpoint {
    /// The URL asked, after the kind's mapping (e.g. `/v1/audio/speech`).
    pub(crate) url: String,
    pub(crate) api: Box<dyn Api>,
    slots: Semaphore,
    /// Its first answers: whether it has been given up.
    streak: Streak,
    /// Why it was first rested in this run, if it was.
    rested: Mutex<Option<String>>,
}

/// What to do after an attempt's error ([`Pool::judge`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Judged {
    /// Every endpoint is given up: the service is, with this message.
    GiveUp(String),
    /// The endpoint answered, but not with speech, and another may: try
    /// there now.
    Elsewhere,
    /// As the error says (a transient one is retried after a wait).
    AsIs,
}

/// A service's endpoints, in the order listed.
pub(crate) struct Pool {
    endpoints: Vec<Endpoint>,
    /// As many permits as all endpoints have slots: requests wait here in
    /// the order they came, and past it one usually finds a free slot.
    queue: Semaphore,
    balancer: Balancer,
    /// The message once the service is given up; nothing more is sent.
    gave_up: Mutex<Option<String>>,
}

impl Pool {
    /// `concurrency` slots at each of `urls`; `rest` is how long a failing
    /// endpoint rests.
    pub(crate) fn new(
        kind: &dyn KindApi,
        urls: Vec<String>,
        concurrency: usize,
        rest: Duration,
    ) -> Pool {
        let endpoints: Vec<Endpoint> = urls
            .into_iter()
            .map(|url| Endpoint {
                api: kind.api(url.clone()),
                url,
                slots: Semaphore::new(concurrency),
                streak: Streak::default(),
                rested: Mutex::new(None),
            })
            .collect();
        Pool {
            queue: Semaphore::new(concurrency * endpoints.len()),
            balancer: Balancer::new(endpoints.len(), rest),
            endpoints,
            gave_up: Mutex::new(None),
        }
    }

    /// The message if the service was given up: send nothing more to it.
    pub(crate) fn given_up(&self) -> Option<String> {
        lock(&self.gave_up).clone()
    }

    /// A usable clip came back from `index`: it works.
    pub(crate) fn success(&self, index: usize) {
        self.endpoints[index].streak.success();
    }

    /// Judges the error an attempt at `index` got for the segment `text`
    /// of `service`. An answer that is not speech counts against that
    /// endpoint alone: the segment moves on to another endpoint not given
    /// up; the endpoint, once given up, is rested; the service, once every
    /// endpoint is, is given up.
    pub(crate) fn judge(
        &self,
        service: &str,
        index: usize,
        text: &str,
        error: &TtsError,
    ) -> Judged {
        if let Some(message) = self.given_up() {
            return Judged::GiveUp(message);
        }
        let endpoint = &self.endpoints[index];
        let Some(why) = endpoint.streak.failure(text, error) else {
            let elsewhere = answer::unusable(error) && self.others_answer(index);
            return if elsewhere {
                Judged::Elsewhere
            } else {
                Judged::AsIs
            };
        };
        if self.others_answer(index) {
            self.balancer.rest(index, Instant::now());
            self.note_rest(index, &why);
            return Judged::Elsewhere;
        }
        let single = self.endpoints.len() == 1;
        let each: Vec<(Option<&str>, String)> = (self.endpoints.iter())
            .map(|e| {
                let why = e.streak.given_up().unwrap_or_default();
                ((!single).then_some(e.url.as_str()), why)
            })
            .collect();
        let message = answer::misconfigured(service, &each);
        *lock(&self.gave_up) = Some(message.clone());
        Judged::GiveUp(message)
    }

    /// Whether an endpoint other than `index` is not given up.
    fn others_answer(&self, index: usize) -> bool {
        (self.endpoints.iter().enumerate())
            .any(|(i, e)| i != index && e.streak.given_up().is_none())
    }

    /// Keeps the first reason `index` was rested, for [`Pool::rested`].
    fn note_rest(&self, index: usize, why: &str) {
        lock(&self.endpoints[index].rested).get_or_insert_with(|| why.to_owned());
    }

    /// Each endpoint rested in this run, with why it first was.
    pub(crate) fn rested(&self) -> Vec<(&str, String)> {
        (self.endpoints.iter())
            .filter_map(|e| Some((e.url.as_str(), lock(&e.rested).clone()?)))
            .collect()
    }

    /// A slot at the endpoint the next request goes to, held until the
    /// lease is dropped: the best of [`Balancer::candidates`] with a free
    /// slot, else the first of them once it has one (unless it was rested
    /// meanwhile while another is healthy: then the choice is made again).
    pub(crate) async fn lease(&self, avoid: Option<usize>) -> Lease<'_> {
        let queued = (self.queue.acquire().await).expect("never closed");
        loop {
            let candidates = self.balancer.candidates(avoid, Instant::now());
            let free = candidates.iter().find_map(|&i| {
                let slot = self.endpoints[i].slots.try_acquire().ok()?;
                Some((i, slot))
            });
            let (index, slot) = match free {
                Some(free) => free,
                None => {
                    let first = candidates[0];
                    let slot = self.endpoints[first].slots.acquire().await;
                    let slot = slot.expect("never closed");
                    if self.balancer.should_move(first, Instant::now()) {
                        continue;
                    }
                    (first, slot)
                }
            };
            self.balancer.started(index);
            return Lease {
                endpoint: &self.endpoints[index],
                pool: self,
                index,
                counted: Counted {
                    balancer: &self.balancer,
                    index,
                },
                _slot: slot,
                _queued: queued,
            };
        }
    }
}

/// One request in flight at one endpoint.
struct Counted<'a> {
    balancer: &'a Balancer,
    index: usize,
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.balancer.release(self.index);
    }
}

/// A request's slot at one endpoint of a pool.
pub(crate) struct Lease<'a> {
    pub(crate) endpoint: &'a Endpoint,
    pool: &'a Pool,
    /// Its place in the pool, to retry elsewhere.
    pub(crate) index: usize,
    counted: Counted<'a>,
    _slot: SemaphorePermit<'a>,
    _queued: SemaphorePermit<'a>,
}

impl Lease<'_> {
    /// Counts what the exchange says of the endpoint; true when this
    /// rests it while another endpoint may take its requests.
    pub(crate) fn report<T>(&self, result: &Result<T, TtsError>) -> bool {
        let verdict = Verdict::of(result);
        let rested = (self.counted.balancer).report(self.index, verdict, Instant::now());
        if rested {
            let why = format!("failed {REST_AFTER} times in a row (no answer, or HTTP 5xx)");
            self.pool.note_rest(self.index, &why);
        }
        rested
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
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
}
