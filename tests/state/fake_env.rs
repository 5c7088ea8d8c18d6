//! A fake [`Env`] for the state's native tests: a clock that moves only when told, timers that
//! fire when the clock passes them, requests that wait until the test answers them, storage in
//! a map, and an address bar that records what was pushed.

use instance_model::ApiError;
use novita_instance_viewer::state::env::{Cancel, Env, HttpRequest, HttpResponse, Store, Task};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

type Answer = Rc<RefCell<Option<Result<HttpResponse, ApiError>>>>;

/// One request the page sent.
pub struct Sent {
    pub request: HttpRequest,
    answer: Answer,
    answered: Cell<bool>,
    pub aborted: Rc<Cell<bool>>,
}

impl Sent {
    pub fn is_open(&self) -> bool {
        !self.answered.get() && !self.aborted.get()
    }
}

struct Timer {
    id: u64,
    due_ms: f64,
    callback: Box<dyn FnOnce()>,
}

#[derive(Default)]
struct Inner {
    now_ms: Cell<f64>,
    next_timer: Cell<u64>,
    timers: RefCell<Vec<Timer>>,
    tasks: RefCell<Vec<Task<()>>>,
    sent: RefCell<Vec<Sent>>,
    storage: RefCell<BTreeMap<(u8, String), String>>,
    search: RefCell<String>,
    pushed: RefCell<Vec<String>>,
    notified: RefCell<Vec<(String, String)>>,
}

#[derive(Clone, Default)]
pub struct FakeEnv(Rc<Inner>);

/// The answer future of one request: ready once the test answers (or aborted: Network).
struct Reply {
    answer: Answer,
    aborted: Rc<Cell<bool>>,
}

impl Future for Reply {
    type Output = Result<HttpResponse, ApiError>;
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(answer) = self.answer.borrow_mut().take() {
            return Poll::Ready(answer);
        }
        if self.aborted.get() {
            return Poll::Ready(Err(ApiError::Network));
        }
        Poll::Pending
    }
}

fn store_tag(store: Store) -> u8 {
    match store {
        Store::Session => 0,
        Store::Local => 1,
    }
}

impl FakeEnv {
    pub fn new() -> Self {
        let env = FakeEnv::default();
        env.0.now_ms.set(1_700_000_000_000.0);
        env
    }

    pub fn with_search(self, search: &str) -> Self {
        *self.0.search.borrow_mut() = search.to_string();
        self
    }

    pub fn with_stored(self, store: Store, name: &str, value: &str) -> Self {
        self.0
            .storage
            .borrow_mut()
            .insert((store_tag(store), name.to_string()), value.to_string());
        self
    }

    pub fn stored(&self, store: Store, name: &str) -> Option<String> {
        self.0
            .storage
            .borrow()
            .get(&(store_tag(store), name.to_string()))
            .cloned()
    }

    /// Moves the clock on by `ms`, firing every timer that falls due on the way (in order),
    /// and running the tasks they start.
    pub fn advance(&self, ms: f64) {
        let end = self.0.now_ms.get() + ms;
        loop {
            self.run();
            let next = {
                let mut timers = self.0.timers.borrow_mut();
                timers.sort_by(|a, b| a.due_ms.total_cmp(&b.due_ms).then(a.id.cmp(&b.id)));
                match timers.first() {
                    Some(t) if t.due_ms <= end => Some(timers.remove(0)),
                    _ => None,
                }
            };
            let Some(timer) = next else { break };
            self.0.now_ms.set(timer.due_ms.max(self.0.now_ms.get()));
            (timer.callback)();
        }
        self.0.now_ms.set(end);
        self.run();
    }

    /// Polls every spawned task until none makes progress.
    pub fn run(&self) {
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        loop {
            let tasks: Vec<Task<()>> = self.0.tasks.borrow_mut().drain(..).collect();
            if tasks.is_empty() {
                return;
            }
            let before = tasks.len();
            let mut pending = Vec::new();
            for mut task in tasks {
                if task.as_mut().poll(&mut cx).is_pending() {
                    pending.push(task);
                }
            }
            let progressed = pending.len() < before;
            // Tasks spawned while polling were pushed meanwhile; keep them after these.
            let mut queue = self.0.tasks.borrow_mut();
            let spawned: Vec<Task<()>> = queue.drain(..).collect();
            let spawned_any = !spawned.is_empty();
            queue.extend(pending);
            queue.extend(spawned);
            if !progressed && !spawned_any {
                return;
            }
        }
    }

    /// How many requests have been sent, in all.
    pub fn sent_count(&self) -> usize {
        self.0.sent.borrow().len()
    }

    /// A copy of the `i`-th request sent.
    pub fn request(&self, i: usize) -> HttpRequest {
        self.0.sent.borrow()[i].request.clone()
    }

    pub fn was_aborted(&self, i: usize) -> bool {
        self.0.sent.borrow()[i].aborted.get()
    }

    /// Requests sent and not yet answered or aborted, as (index, URL).
    pub fn open_requests(&self) -> Vec<(usize, String)> {
        self.0
            .sent
            .borrow()
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_open())
            .map(|(i, s)| (i, s.request.url.clone()))
            .collect()
    }

    /// Answers request `i` and runs what was waiting for it.
    pub fn answer(&self, i: usize, status: u16, body: &str) {
        self.answer_with(
            i,
            Ok(HttpResponse {
                status,
                body: body.to_string(),
                retry_after: None,
            }),
        );
    }

    pub fn answer_with(&self, i: usize, outcome: Result<HttpResponse, ApiError>) {
        {
            let sent = self.0.sent.borrow();
            let s = &sent[i];
            assert!(s.is_open(), "request {i} ({}) is not open", s.request.url);
            *s.answer.borrow_mut() = Some(outcome);
            s.answered.set(true);
        }
        self.run();
    }

    /// The searches pushed to the address bar, in order.
    pub fn pushed(&self) -> Vec<String> {
        self.0.pushed.borrow().clone()
    }

    pub fn notified(&self) -> Vec<(String, String)> {
        self.0.notified.borrow().clone()
    }

    pub fn timer_count(&self) -> usize {
        self.0.timers.borrow().len()
    }
}

impl Env for FakeEnv {
    fn now_ms(&self) -> f64 {
        self.0.now_ms.get()
    }

    fn set_timeout(&self, delay_ms: u64, callback: Box<dyn FnOnce()>) -> Cancel {
        let id = self.0.next_timer.get();
        self.0.next_timer.set(id + 1);
        self.0.timers.borrow_mut().push(Timer {
            id,
            due_ms: self.0.now_ms.get() + delay_ms as f64,
            callback,
        });
        let inner = Rc::clone(&self.0);
        Cancel::new(move || inner.timers.borrow_mut().retain(|t| t.id != id))
    }

    fn spawn(&self, task: Task<()>) {
        self.0.tasks.borrow_mut().push(task);
    }

    fn http(&self, request: HttpRequest) -> (Cancel, Task<Result<HttpResponse, ApiError>>) {
        let answer: Answer = Rc::new(RefCell::new(None));
        let aborted = Rc::new(Cell::new(false));
        self.0.sent.borrow_mut().push(Sent {
            request,
            answer: Rc::clone(&answer),
            answered: Cell::new(false),
            aborted: Rc::clone(&aborted),
        });
        let cancel = {
            let aborted = Rc::clone(&aborted);
            Cancel::new(move || aborted.set(true))
        };
        (cancel, Box::pin(Reply { answer, aborted }))
    }

    fn load(&self, store: Store, name: &str) -> Option<String> {
        self.stored(store, name)
    }

    fn save(&self, store: Store, name: &str, value: Option<&str>) {
        let key = (store_tag(store), name.to_string());
        let mut storage = self.0.storage.borrow_mut();
        match value {
            Some(v) => storage.insert(key, v.to_string()),
            None => storage.remove(&key),
        };
    }

    fn search(&self) -> String {
        self.0.search.borrow().clone()
    }

    fn push_search(&self, search: &str) {
        *self.0.search.borrow_mut() = search.to_string();
        self.0.pushed.borrow_mut().push(search.to_string());
    }

    fn notify(&self, title: &str, body: &str) {
        self.0
            .notified
            .borrow_mut()
            .push((title.to_string(), body.to_string()));
    }
}
