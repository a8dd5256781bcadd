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
//! The choosing ([`Balancer`]) is bookkeeping with the clock given, tested
//! without a network; [`Pool`] adds the slots and the request shapes.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

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
}

impl Verdict {
    pub(crate) fn of<T>(result: &Result<T, TtsError>) -> Verdict {
        match result {
            Err(TtsError::Network { .. } | TtsError::Timeout { .. }) => Verdict::Failed,
            Err(TtsError::Http { status, .. }) if *status >= 500 => Verdict::Failed,
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
        }
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
            })
            .collect();
        Pool {
            queue: Semaphore::new(concurrency * endpoints.len()),
            capacity: concurrency * endpoints.len(),
            balancer: Balancer::new(endpoints.len(), rest),
            endpoints,
        }
    }

    /// How many requests the pool sends at once.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
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
        (self.counted.balancer).report(self.index, Verdict::of(result), Instant::now())
    }
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
        assert_eq!(Verdict::of(&http(401)), Verdict::Answered);
        let timeout: Result<(), TtsError> = Err(TtsError::Timeout {
            service: "s".into(),
            timeout_ms: 1,
        });
        assert_eq!(Verdict::of(&timeout), Verdict::Failed);
        assert_eq!(Verdict::of(&Ok(())), Verdict::Answered);
    }
}
