//! What the page holds, shared through context: the key and settings, what is on screen (a
//! [`Screen`]: the start, the fleet, or one instance), the watch list, one [`Tracker`] per
//! instance being looked at, the fleet's list ([`fleet::Fleet`]), the actions on instances
//! (`actions.rs`), the metrics panel of the instance on screen (`metrics_panel.rs`) and the
//! idle watch (`idle_watch.rs`). Components read the public read-only signals and call the
//! methods here, which are the only place that changes them, so the rules (a new load clears an
//! old error, the address bar follows what is on screen, shown and watched things keep
//! themselves fresh, nothing else does, a status change is announced once) live in one place.
//!
//! Everything the state needs from the browser goes through [`Env`], so these rules are
//! tested natively (`tests/state/`) with a fake clock, fake timers and a fake network.

pub mod actions;
pub mod env;
pub mod fleet;
pub mod idle_watch;
pub mod live;
pub mod metrics_panel;
mod saved;
pub mod tracker;
mod trackers;

use crate::demo;
use env::{Cancel, Env};
use fleet::Fleet;
use idle_watch::IdleWatch;
use instance_model::address::{self, View};
use instance_model::fleet::{notice, LastSeen};
use instance_model::metrics::query::Window;
use instance_model::refresh::RefreshSetting;
use instance_model::settings::{Config, DEFAULT_API_BASE};
use instance_model::Status;
use leptos::prelude::*;
use live::Rules;
use metrics_panel::MetricsPanel;
use std::rc::Rc;
pub use tracker::Tracker;
use trackers::Trackers;

/// Where the API base in force came from, so Settings can say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseSource {
    Default,
    Config,
    User,
}

/// The instance on screen: a real one by ID, or a built-in demo sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current {
    pub id: String,
    pub demo: bool,
}

/// What the page shows below the form. With a key held and nothing else asked for, the fleet;
/// without a key, the start (what to do first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen {
    Start,
    /// Every instance the key can see, or the demo's sample fleet.
    Fleet {
        demo: bool,
    },
    Instance(Current),
}

#[derive(Clone, Copy)]
pub struct AppState {
    api_key: RwSignal<String>,
    remember_key: RwSignal<bool>,
    api_base: RwSignal<String>,
    api_base_source: RwSignal<BaseSource>,
    config: RwSignal<Option<Config>>,
    config_warnings: RwSignal<Vec<String>>,
    /// config.json was there but could not be read at all.
    config_unreadable: RwSignal<bool>,
    screen: RwSignal<Screen>,
    pinned: RwSignal<Vec<String>>,
    linked: RwSignal<Vec<String>>,
    refresh_setting: RwSignal<RefreshSetting>,
    notifications: RwSignal<bool>,
    announcement: RwSignal<String>,
    form_hint: RwSignal<Option<String>>,
    now_ms: RwSignal<f64>,
    /// Whether the tab is visible (refresh pauses while it is not). Nothing shows it.
    visible: StoredValue<bool>,
    trackers: StoredValue<Trackers>,
    fleet: Fleet,
    /// The last status seen of each instance, so a change is announced once wherever seen.
    seen: StoredValue<LastSeen>,
    metrics: MetricsPanel,
    idle: IdleWatch,
    /// The pending disposal of trackers no longer wanted.
    sweep: StoredValue<Option<Cancel>, LocalStorage>,
    env: StoredValue<Rc<dyn Env>, LocalStorage>,
    actions: actions::Actions,
}

/// What components read. Each getter is reactive: a view or memo that calls it follows it.
impl AppState {
    pub fn api_key(&self) -> String {
        self.api_key.get()
    }

    pub fn has_key(&self) -> bool {
        self.api_key.with(|k| !k.trim().is_empty())
    }

    pub fn remember_key(&self) -> bool {
        self.remember_key.get()
    }

    pub fn api_base(&self) -> String {
        self.api_base.get()
    }

    pub fn api_base_source(&self) -> BaseSource {
        self.api_base_source.get()
    }

    /// What config.json said, once it has been read (`None` until then).
    pub fn config(&self) -> Option<Config> {
        self.config.get()
    }

    /// What was wrong with config.json (unusable as a whole, or fields replaced by their
    /// safe defaults), in words.
    pub fn config_warnings(&self) -> Vec<String> {
        self.config_warnings.get()
    }

    /// Whether config.json was there but could not be read at all (so actions are off: it
    /// may have said readOnly).
    pub fn config_unreadable(&self) -> bool {
        self.config_unreadable.get()
    }

    /// Whether action controls are off for everyone (config.json `readOnly`). Read-only until
    /// config.json has been read, so no control shows before it says otherwise, and when it
    /// could not be read (it may have said so).
    pub fn read_only(&self) -> bool {
        self.config.with(|c| c.as_ref().is_none_or(|c| c.read_only))
    }

    /// Where log streams are opened through: the API base, when config.json says
    /// `proxyLogs` (the bundled server's `/log-stream/` route); `None` to open them directly.
    pub fn log_proxy_base(&self) -> Option<String> {
        let proxy = self
            .config
            .with(|c| c.as_ref().is_some_and(|c| c.proxy_logs));
        proxy.then(|| self.api_base())
    }

    /// What is on screen.
    pub fn screen(&self) -> Screen {
        self.screen.get()
    }

    /// The instance on screen, when one is.
    pub fn current(&self) -> Option<Current> {
        self.screen.with(|s| match s {
            Screen::Instance(c) => Some(c.clone()),
            _ => None,
        })
    }

    /// Watched instance IDs kept on this device, in the order pinned.
    pub fn pinned(&self) -> Vec<String> {
        self.pinned.get()
    }

    /// Instances a `?watch=` link shows as cards, not kept on this device until the user says
    /// so ([`AppState::keep_linked`]).
    pub fn linked(&self) -> Vec<String> {
        self.linked.get()
    }

    pub fn refresh_setting(&self) -> RefreshSetting {
        self.refresh_setting.get()
    }

    /// Desktop notifications on status changes, switched on by the user.
    pub fn notifications(&self) -> bool {
        self.notifications.get()
    }

    /// Text for the polite live region (copy feedback, status changes).
    pub fn announcement(&self) -> String {
        self.announcement.get()
    }

    /// A hint under the form (e.g. "paste your key"), not an API error.
    pub fn form_hint(&self) -> Option<String> {
        self.form_hint.get()
    }

    /// The browser's clock, ticking once a second, for "12 s ago".
    pub fn now_ms(&self) -> f64 {
        self.now_ms.get()
    }
}

impl AppState {
    /// Made once, by the App, under its owner: trackers are owned by it.
    pub fn new(env: Rc<dyn Env>) -> Self {
        let (key, remembered) = saved::key(&*env);
        let user_base = saved::api_base(&*env);
        let watched = saved::watched(&*env);
        let refresh = saved::refresh_setting(&*env).unwrap_or(RefreshSetting::DEFAULT);
        let metrics_window = saved::metrics_window(&*env).unwrap_or(Window::DEFAULT);
        let idle_rule = saved::idle_rule(&*env);
        let base_source = if user_base.is_some() {
            BaseSource::User
        } else {
            BaseSource::Default
        };
        let base = user_base.unwrap_or_else(|| DEFAULT_API_BASE.to_string());
        let now = env.now_ms();

        // The watched instances' cards can be drawn at once; they start fetching once
        // config.json has said where the API is.
        let mut trackers = Trackers::new(Owner::current().unwrap_or_default());
        for id in &watched {
            trackers.find_or_make(id, false);
        }
        Self {
            api_key: RwSignal::new(key),
            remember_key: RwSignal::new(remembered),
            api_base: RwSignal::new(base),
            api_base_source: RwSignal::new(base_source),
            config: RwSignal::new(None),
            config_warnings: RwSignal::new(Vec::new()),
            config_unreadable: RwSignal::new(false),
            screen: RwSignal::new(Screen::Start),
            pinned: RwSignal::new(watched),
            linked: RwSignal::new(Vec::new()),
            refresh_setting: RwSignal::new(refresh),
            notifications: RwSignal::new(false),
            announcement: RwSignal::new(String::new()),
            form_hint: RwSignal::new(None),
            now_ms: RwSignal::new(now),
            visible: StoredValue::new(true),
            trackers: StoredValue::new(trackers),
            fleet: Fleet::new(),
            seen: StoredValue::new(LastSeen::default()),
            metrics: MetricsPanel::new(metrics_window),
            idle: IdleWatch::new(idle_rule),
            sweep: StoredValue::new_local(None),
            env: StoredValue::new_local(env),
            actions: actions::Actions::new(),
        }
    }

    pub(crate) fn env(&self) -> Rc<dyn Env> {
        self.env.get_value()
    }

    fn rules(&self) -> Rules {
        Rules {
            setting: self.refresh_setting.get_untracked(),
            visible: self.visible.get_value(),
        }
    }

    /// Whether the user has given a key (what the form says depends on it); untracked.
    fn key_given(&self) -> bool {
        self.api_key.with_untracked(|k| !k.trim().is_empty())
    }

    /// The key to send, trimmed; `None` when there is none, and until config.json has been
    /// applied: it may name another API base, and the key goes to no base but the one the
    /// deployment chose. What waited is fetched by [`Self::fetch_what_waited`].
    fn key_for_request(&self) -> Option<String> {
        let config_in = self.config.with_untracked(Option::is_some);
        let key = self.api_key.with_untracked(|k| k.trim().to_string());
        (config_in && !key.is_empty()).then_some(key)
    }

    /// Requests just became possible (a key, or config.json, arrived): what is on screen or
    /// watched and has no data yet is fetched, and the metrics and idle checks start.
    fn fetch_what_waited(&self) {
        for t in self.active_trackers() {
            if !t.live.has_data_untracked() {
                t.fetch(*self);
            }
        }
        self.sync_metrics();
        self.pump_idle();
    }

    pub fn announce(&self, text: impl Into<String>) {
        // The same text set twice would not be read again; clear it first.
        self.announcement.set(String::new());
        self.announcement.set(text.into());
    }

    /// Statuses seen (by a tracker, or in the fleet's list), as (ID, name, status): the
    /// changes since each instance was last seen anywhere are said once, together, in the
    /// live region, and as one desktop notification when they are on.
    fn saw_statuses(&self, seen: Vec<(String, String, Status)>) {
        let changes: Vec<_> = self
            .seen
            .try_update_value(|last| {
                seen.iter()
                    .filter_map(|(id, name, status)| last.observe(id, name, status))
                    .collect()
            })
            .unwrap_or_default();
        if let Some((title, body)) = notice(&changes) {
            if self.notifications.get_untracked() {
                self.env().notify(&title, &body);
            }
            self.announce(format!("{title}: {body}"));
        }
    }

    /// The clock moved on (once a second), for the "as of" lines.
    pub fn tick(&self) {
        self.now_ms.set(self.env().now_ms());
    }

    // --- settings ----------------------------------------------------------------------

    /// Applies config.json: its API base is used unless the user chose one.
    pub fn apply_config(&self, result: Result<Config, String>) {
        let could_send = self.key_for_request().is_some();
        match result {
            Ok(config) => {
                self.config_warnings
                    .set(config.warnings.iter().map(ToString::to_string).collect());
                if let Some(base) = &config.api_base {
                    if self.api_base_source.get_untracked() != BaseSource::User {
                        self.api_base.set(base.clone());
                        self.api_base_source.set(BaseSource::Config);
                    }
                }
                self.config.set(Some(config));
            }
            Err(warning) => {
                self.config_warnings.set(vec![warning]);
                self.config_unreadable.set(true);
                // It may have been the file that said readOnly: actions stay off.
                self.config.set(Some(Config {
                    read_only: true,
                    ..Config::default()
                }));
            }
        }
        if !could_send && self.key_for_request().is_some() {
            self.fetch_what_waited();
            self.fetch_fleet_if_waiting();
        }
    }

    /// config.json could not be fetched (it is tried again): nothing is sent meanwhile, and
    /// the page says why.
    pub fn config_not_reached(&self) {
        if self.config.with_untracked(Option::is_none) {
            self.config_warnings.set(vec![
                "config.json could not be fetched; trying again. Nothing is sent to the API until it is read."
                    .to_string(),
            ]);
        }
    }

    /// The user's own API base (saved on this device), or `None` to go back to config.json's
    /// or the default.
    pub fn set_user_api_base(&self, base: Option<String>) {
        saved::save_api_base(&*self.env(), base.as_deref());
        let config_base = self
            .config
            .with_untracked(|c| c.as_ref().and_then(|c| c.api_base.clone()));
        let (base, source) = match (base, config_base) {
            (Some(b), _) => (b, BaseSource::User),
            (None, Some(c)) => (c, BaseSource::Config),
            (None, None) => (DEFAULT_API_BASE.to_string(), BaseSource::Default),
        };
        self.api_base.set(base);
        self.api_base_source.set(source);
    }

    pub fn set_api_key(&self, key: String) {
        saved::save_key(&*self.env(), &key, self.remember_key.get_untracked());
        let (had_key, could_send) = (self.key_given(), self.key_for_request().is_some());
        self.api_key.set(key);
        if !had_key && self.key_given() {
            self.form_hint.set(None); // it asked for the key (config.json may still be coming)
        }
        if !could_send && self.key_for_request().is_some() {
            // What waited for a key (a deep link, watch cards) can load now.
            self.fetch_what_waited();
        }
        self.fleet_key_changed();
    }

    pub fn set_remember_key(&self, remember: bool) {
        self.remember_key.set(remember);
        saved::save_key(&*self.env(), &self.api_key.get_untracked(), remember);
    }

    pub fn forget_key(&self) {
        saved::save_key(&*self.env(), "", false);
        self.api_key.set(String::new());
        self.remember_key.set(false);
        self.announce("API key forgotten on this device.");
    }

    pub fn set_refresh_setting(&self, setting: RefreshSetting) {
        saved::save_refresh_setting(&*self.env(), setting);
        self.refresh_setting.set(setting);
        for t in self.active_trackers() {
            t.reschedule(*self);
        }
        if let Some(demo) = self.active_fleet() {
            self.reschedule_fleet(demo);
        }
    }

    pub fn set_notifications(&self, on: bool) {
        self.notifications.set(on);
    }

    /// Pauses refreshing while the tab is hidden; refreshes at once when it is shown again.
    pub fn set_visible(&self, visible: bool) {
        if self.visible.get_value() == visible {
            return;
        }
        self.visible.set_value(visible);
        let fetch_now = visible && self.refresh_setting.get_untracked() != RefreshSetting::Off;
        for t in self.active_trackers() {
            if fetch_now {
                t.fetch(*self);
            } else {
                t.reschedule(*self);
            }
        }
        if let Some(demo) = self.active_fleet() {
            if fetch_now {
                self.fetch_fleet(demo);
            } else {
                self.reschedule_fleet(demo);
            }
        }
        // Metrics catch up only when a refresh is due: they change slowly.
        self.reschedule_metrics();
        self.pump_idle();
    }

    // --- what is on screen ---------------------------------------------------------------

    /// Shows what the page address asks for: on opening the page, and on back/forward.
    pub fn open_address(&self) {
        let address = address::parse(&self.env().search());
        let pinned = self.pinned.get_untracked();
        let linked: Vec<String> = address
            .watch
            .into_iter()
            .filter(|id| !pinned.contains(id))
            .collect();
        self.linked.set(linked);
        match address.view {
            View::Demo(Some(sample)) if sample == demo::FLEET => self.show_demo_fleet(),
            View::Demo(sample) => self.show_demo(demo::resolve(sample.as_deref())),
            View::Instance(id) => self.show_instance(&id, false),
            View::Fleet { query, tone } => self.open_fleet_address(query, &tone),
            View::Home if self.key_for_request().is_some() => {
                self.open_fleet_address(String::new(), "")
            }
            View::Home => self.show_nothing(),
        }
    }

    /// Loads an instance the user asked for (the form, a watch card) and puts it on screen,
    /// with a new entry in the browser's history.
    pub fn load(&self, id: &str) {
        self.show_instance(id, true);
    }

    fn show_instance(&self, id: &str, push_history: bool) {
        let id = id.trim();
        if id.is_empty() {
            self.form_hint
                .set(Some("Enter an instance ID to load.".to_string()));
            return;
        }
        self.form_hint.set((!self.key_given()).then(|| {
            format!(
                "Paste your Novita API key to load {id}. Or press Demo to see sample data without one."
            )
        }));
        if push_history {
            self.push_view(View::Instance(id.to_string()));
        }
        let tracker = self
            .trackers
            .try_update_value(|t| t.find_or_make(id, false));
        if let Some(tracker) = tracker {
            tracker.clear_failure();
        }
        self.screen.set(Screen::Instance(Current {
            id: id.to_string(),
            demo: false,
        }));
        self.sync_active();
        if let Some(tracker) = tracker {
            tracker.fetch(*self);
        }
    }

    /// Puts `view` in the address bar, keeping the linked watch list.
    fn push_view(&self, view: View) {
        let env = self.env();
        let watch = address::parse(&env.search()).watch;
        let search = address::search_for(&view, &watch);
        if search != env.search() {
            env.push_search(&search);
        }
    }

    /// The same in place of the current history entry.
    fn replace_view(&self, view: View) {
        let env = self.env();
        let watch = address::parse(&env.search()).watch;
        let search = address::search_for(&view, &watch);
        if search != env.search() {
            env.replace_search(&search);
        }
    }

    /// Shows one of the built-in samples, with no key and no network.
    pub fn show_demo(&self, sample_id: &str) {
        self.form_hint.set(None);
        self.screen.set(Screen::Instance(Current {
            id: sample_id.to_string(),
            demo: true,
        }));
        self.sync_active();
    }

    /// Shows the start: the address asks for nothing and there is no key to list with.
    pub fn show_nothing(&self) {
        self.screen.set(Screen::Start);
        self.sync_active();
    }

    /// Fetches what is on screen again, now.
    pub fn refresh(&self) {
        if let Some(t) = self.current_tracker_untracked() {
            t.fetch(*self);
        } else if let Some(demo) = self.active_fleet() {
            self.fetch_fleet(demo);
        }
    }

    // --- trackers ------------------------------------------------------------------------

    /// The tracker of a shown or watched instance (never makes one).
    pub fn tracker(&self, id: &str, demo: bool) -> Option<Tracker> {
        self.trackers.try_with_value(|t| t.find(id, demo)).flatten()
    }

    /// The tracker of the instance on screen (reactive on which one that is).
    pub fn current_tracker(&self) -> Option<Tracker> {
        self.current().and_then(|c| self.tracker(&c.id, c.demo))
    }

    fn current_tracker_untracked(&self) -> Option<Tracker> {
        untrack(|| self.current_tracker())
    }

    /// How many trackers exist (shown, watched, or about to be disposed).
    pub fn tracker_count(&self) -> usize {
        self.trackers.try_with_value(Trackers::len).unwrap_or(0)
    }

    fn active_trackers(&self) -> Vec<Tracker> {
        self.trackers
            .try_with_value(|t| t.all())
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t.live.is_active())
            .collect()
    }

    /// Whether a tracker's instance is on screen, watched, or has an action being followed.
    fn wants(&self, t: &Tracker) -> bool {
        let on_screen = self
            .screen
            .with_untracked(|s| matches!(s, Screen::Instance(c) if t.is(&c.id, c.demo)));
        on_screen
            || (!t.demo && {
                let id = t.id();
                self.pinned.with_untracked(|p| p.contains(&id))
                    || self.linked.with_untracked(|l| l.contains(&id))
                    || (!self.fleet_follows_actions() && self.action_wants_fast_refresh(&id))
            })
    }

    /// Keeps exactly the shown and watched instances fresh, and those whose actions are
    /// followed (unless the fleet's list follows them). Trackers no longer wanted stop at
    /// once and are disposed of on the next turn of the event loop, after the views that
    /// showed them have gone.
    fn sync_active(&self) {
        let followed = if self.fleet_follows_actions() {
            Vec::new()
        } else {
            self.followed_instances()
        };
        let mut wanted: Vec<(String, bool)> = self
            .pinned
            .get_untracked()
            .into_iter()
            .chain(self.linked.get_untracked())
            .chain(followed)
            .map(|id| (id, false))
            .collect();
        if let Screen::Instance(c) = self.screen.get_untracked() {
            wanted.push((c.id, c.demo));
        }
        let made: Vec<Tracker> = self
            .trackers
            .try_update_value(|t| {
                wanted
                    .iter()
                    .map(|(id, demo)| t.find_or_make(id, *demo))
                    .collect()
            })
            .unwrap_or_default();
        let all = self
            .trackers
            .try_with_value(|t| t.all())
            .unwrap_or_default();
        let mut unwanted = false;
        for t in all {
            if made.iter().any(|m| m.is(&t.id(), t.demo)) {
                t.activate(*self);
            } else {
                t.live.deactivate();
                unwanted = true;
            }
        }
        self.sync_fleet();
        self.follow_current();
        if unwanted {
            let state = *self;
            let sweep = self
                .env()
                .set_timeout(0, Box::new(move || state.dispose_unwanted()));
            self.sweep.set_value(Some(sweep));
        }
    }

    fn dispose_unwanted(&self) {
        let state = *self;
        self.trackers
            .try_update_value(|t| t.dispose_unless(|tracker| state.wants(tracker)));
    }

    // --- the watch list ------------------------------------------------------------------

    /// Whether an instance is watched (kept on this device, or shown from a link).
    pub fn is_watched(&self, id: &str) -> bool {
        self.pinned.with(|p| p.iter().any(|x| x == id))
            || self.linked.with(|l| l.iter().any(|x| x == id))
    }

    /// Watches an instance, or stops watching it (whether it was kept or came from a link).
    pub fn toggle_pin(&self, id: &str) {
        let env = self.env();
        let mut pinned = self.pinned.get_untracked();
        let mut linked = self.linked.get_untracked();
        if let Some(i) = linked.iter().position(|x| x == id) {
            linked.remove(i);
            self.linked.set(linked.clone());
            // The address stops asking for it, so a reload does not bring it back.
            let view = address::parse(&env.search()).view;
            env.push_search(&address::search_for(&view, &linked));
            self.announce(format!("Stopped watching {id}."));
        } else if let Some(i) = pinned.iter().position(|x| x == id) {
            pinned.remove(i);
            saved::save_watched(&*env, &pinned);
            self.pinned.set(pinned);
            self.announce(format!("Stopped watching {id}."));
        } else {
            pinned.push(id.to_string());
            saved::save_watched(&*env, &pinned);
            self.pinned.set(pinned);
            self.announce(format!("Watching {id}."));
        }
        self.sync_active();
    }

    /// Keeps the instances a link showed on this device's watch list.
    pub fn keep_linked(&self) {
        let linked = self.linked.get_untracked();
        if linked.is_empty() {
            return;
        }
        let mut pinned = self.pinned.get_untracked();
        for id in &linked {
            if !pinned.contains(id) && pinned.len() < address::MAX_WATCHED {
                pinned.push(id.clone());
            }
        }
        saved::save_watched(&*self.env(), &pinned);
        self.pinned.set(pinned);
        self.linked.set(Vec::new());
        self.announce(format!(
            "Keeping {} linked instance{} on this device's watch list.",
            linked.len(),
            if linked.len() == 1 { "" } else { "s" }
        ));
    }
}
