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
    /// Slots at all endpoints together.
    capacity: usize,
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
            capacity: concurrency * endpoints.len(),
            balancer: Balancer::new(endpoints.len(), rest),
            endpoints,
            gave_up: Mutex::new(None),
        }
    }

    /// How many requests the pool sends at once.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
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
mod tests;
