//! What the page holds, shared through context: the key and settings, which instance is on
//! screen, the watch list, and one [`Tracker`] per instance being looked at. Components read
//! these signals; the methods here are the only place that changes them, so the rules (a new
//! load clears an old error, the address bar follows the instance, pinned and shown instances
//! keep themselves fresh) live in one place.

use crate::tracker::{self, StatusChange, Tracker};
use crate::{location, notify, storage};
use instance_model::refresh::RefreshSetting;
use instance_model::settings::DEFAULT_API_BASE;
use leptos::prelude::*;

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

#[derive(Clone, Copy)]
pub struct AppState {
    pub api_key: RwSignal<String>,
    pub remember_key: RwSignal<bool>,
    pub api_base: RwSignal<String>,
    pub api_base_source: RwSignal<BaseSource>,
    /// The API base config.json set, when it set one (what "reset" goes back to).
    pub config_api_base: RwSignal<Option<String>>,
    pub config_warning: RwSignal<Option<String>>,
    /// The instance ID field.
    pub instance_id: RwSignal<String>,
    pub current: RwSignal<Option<Current>>,
    /// Pinned instance IDs, in the order pinned.
    pub pinned: RwSignal<Vec<String>>,
    pub refresh_setting: RwSignal<RefreshSetting>,
    /// Whether the tab is visible (refresh pauses while it is not).
    pub visible: RwSignal<bool>,
    /// Desktop notifications on status changes, switched on by the user.
    pub notifications: RwSignal<bool>,
    /// Text for the polite live region (copy feedback, status changes).
    pub announcement: RwSignal<String>,
    /// A hint under the form (e.g. "paste your key"), not an API error.
    pub form_hint: RwSignal<Option<String>>,
    /// The browser's clock, ticking, for "12 s ago".
    pub now_ms: RwSignal<f64>,
    trackers: StoredValue<Vec<Tracker>>,
}

impl tracker::Context for AppState {
    fn api_base(&self) -> String {
        self.api_base.get_untracked()
    }

    fn api_key(&self) -> String {
        self.api_key.get_untracked()
    }

    fn setting(&self) -> RefreshSetting {
        self.refresh_setting.get_untracked()
    }

    fn visible(&self) -> bool {
        self.visible.get_untracked()
    }

    fn on_status_change(&self, change: StatusChange) {
        let word = |s: &instance_model::Status| match s.as_api_str() {
            "" => "unknown".to_string(),
            raw => raw.to_string(),
        };
        let text = format!(
            "{}: {} → {}",
            change.name,
            word(&change.from),
            word(&change.to)
        );
        if self.notifications.get_untracked() {
            notify::show(
                &change.name,
                &format!("{} → {}", word(&change.from), word(&change.to)),
            );
        }
        self.announce(text);
    }
}

impl AppState {
    pub fn new() -> Self {
        let (key, remembered) = storage::load_key();
        let user_base = storage::load_api_base();
        let mut pinned = storage::load_pinned();
        for id in location::watch_param() {
            if !pinned.contains(&id) {
                pinned.push(id);
            }
        }
        storage::save_pinned(&pinned);
        Self {
            api_key: RwSignal::new(key),
            remember_key: RwSignal::new(remembered),
            api_base: RwSignal::new(
                user_base
                    .clone()
                    .unwrap_or_else(|| DEFAULT_API_BASE.to_string()),
            ),
            api_base_source: RwSignal::new(if user_base.is_some() {
                BaseSource::User
            } else {
                BaseSource::Default
            }),
            config_api_base: RwSignal::new(None),
            config_warning: RwSignal::new(None),
            instance_id: RwSignal::new(location::instance_param().unwrap_or_default()),
            current: RwSignal::new(None),
            pinned: RwSignal::new(pinned),
            refresh_setting: RwSignal::new(
                storage::load_refresh_setting().unwrap_or(RefreshSetting::DEFAULT),
            ),
            visible: RwSignal::new(true),
            notifications: RwSignal::new(false),
            announcement: RwSignal::new(String::new()),
            form_hint: RwSignal::new(None),
            now_ms: RwSignal::new(js_sys::Date::now()),
            trackers: StoredValue::new(Vec::new()),
        }
    }

    pub fn announce(&self, text: impl Into<String>) {
        let text = text.into();
        // The same text set twice would not be read again; clear it first.
        self.announcement.set(String::new());
        self.announcement.set(text);
    }

    /// Applies config.json: its API base is used unless the user chose one.
    pub fn apply_config(&self, result: Result<instance_model::settings::Config, String>) {
        match result {
            Ok(config) => {
                if let Some(base) = config.api_base {
                    self.config_api_base.set(Some(base.clone()));
                    if self.api_base_source.get_untracked() != BaseSource::User {
                        self.api_base.set(base);
                        self.api_base_source.set(BaseSource::Config);
                    }
                }
            }
            Err(warning) => self.config_warning.set(Some(warning)),
        }
    }

    /// The user's own API base (saved on this device), or `None` to go back to config.json's
    /// or the default.
    pub fn set_user_api_base(&self, base: Option<String>) {
        storage::save_api_base(base.as_deref());
        match base {
            Some(b) => {
                self.api_base.set(b);
                self.api_base_source.set(BaseSource::User);
            }
            None => match self.config_api_base.get_untracked() {
                Some(c) => {
                    self.api_base.set(c);
                    self.api_base_source.set(BaseSource::Config);
                }
                None => {
                    self.api_base.set(DEFAULT_API_BASE.to_string());
                    self.api_base_source.set(BaseSource::Default);
                }
            },
        }
    }

    pub fn set_api_key(&self, key: String) {
        storage::save_key(&key, self.remember_key.get_untracked());
        let had_none = self.api_key.with_untracked(|k| k.trim().is_empty());
        self.api_key.set(key);
        if had_none {
            // Watch cards waiting for a key can start now.
            self.each_active(|t| {
                if t.data.with_untracked(Option::is_none) {
                    t.fetch(*self)
                }
            });
        }
    }

    pub fn set_remember_key(&self, remember: bool) {
        self.remember_key.set(remember);
        storage::save_key(&self.api_key.get_untracked(), remember);
    }

    pub fn forget_key(&self) {
        storage::forget_key();
        self.api_key.set(String::new());
        self.remember_key.set(false);
        self.announce("API key forgotten on this device.");
    }

    /// The tracker for an instance, made on first use.
    pub fn tracker(&self, id: &str, demo: bool) -> Tracker {
        let found = self
            .trackers
            .with_value(|ts| ts.iter().find(|t| t.demo == demo && t.id() == id).copied());
        found.unwrap_or_else(|| {
            let t = Tracker::new(id, demo);
            self.trackers.update_value(|ts| ts.push(t));
            t
        })
    }

    /// The tracker of the instance on screen (reactive on which one that is).
    pub fn current_tracker(&self) -> Option<Tracker> {
        self.current
            .with(|c| c.clone())
            .map(|c| self.tracker(&c.id, c.demo))
    }

    fn each_active(&self, f: impl Fn(&Tracker)) {
        let active: Vec<Tracker> = self
            .trackers
            .with_value(|ts| ts.iter().filter(|t| t.is_active()).copied().collect());
        active.iter().for_each(f);
    }

    /// Keeps exactly the shown and pinned instances fresh.
    fn sync_active(&self) {
        let current = self.current.get_untracked();
        let pinned = self.pinned.get_untracked();
        let wanted = |t: &Tracker| {
            let id = t.id();
            current
                .as_ref()
                .is_some_and(|c| c.id == id && c.demo == t.demo)
                || (!t.demo && pinned.contains(&id))
        };
        for id in &pinned {
            self.tracker(id, false);
        }
        let all: Vec<Tracker> = self.trackers.get_value();
        for t in all {
            if wanted(&t) {
                t.activate(*self);
            } else {
                t.deactivate();
            }
        }
    }

    /// Loads the instance in the ID field and puts it on screen. `push_history` is false
    /// when the address bar already says this instance (deep link, back/forward).
    pub fn load(&self, push_history: bool) {
        let id = self.instance_id.get_untracked().trim().to_string();
        if id.is_empty() {
            self.form_hint
                .set(Some("Enter an instance ID to load.".to_string()));
            return;
        }
        if self.api_key.with_untracked(|k| k.trim().is_empty()) {
            self.form_hint.set(Some(format!(
                "Paste your Novita API key to load {id}. Or press Demo to see sample data without one."
            )));
            return;
        }
        self.form_hint.set(None);
        if push_history {
            location::show_instance(&id);
        }
        let tracker = self.tracker(&id, false);
        tracker.clear_failure();
        self.current.set(Some(Current {
            id: id.clone(),
            demo: false,
        }));
        self.sync_active();
        tracker.fetch(*self);
    }

    /// Fetches what is on screen again, now.
    pub fn refresh(&self) {
        if let Some(t) = self.current_tracker_untracked() {
            t.fetch(*self);
        }
    }

    fn current_tracker_untracked(&self) -> Option<Tracker> {
        self.current
            .get_untracked()
            .map(|c| self.tracker(&c.id, c.demo))
    }

    /// Shows one of the built-in samples, with no key and no network.
    pub fn show_demo(&self, sample_id: &str) {
        self.form_hint.set(None);
        self.current.set(Some(Current {
            id: sample_id.to_string(),
            demo: true,
        }));
        self.sync_active();
        self.tracker(sample_id, true).fetch(*self);
    }

    /// Clears the screen (the address has no instance).
    pub fn show_nothing(&self) {
        self.current.set(None);
        self.sync_active();
    }

    pub fn is_pinned(&self, id: &str) -> bool {
        self.pinned.with(|p| p.iter().any(|x| x == id))
    }

    pub fn toggle_pin(&self, id: &str) {
        let mut pinned = self.pinned.get_untracked();
        if let Some(i) = pinned.iter().position(|x| x == id) {
            pinned.remove(i);
            self.announce(format!("Stopped watching {id}."));
        } else {
            pinned.push(id.to_string());
            self.announce(format!("Watching {id}."));
        }
        storage::save_pinned(&pinned);
        self.pinned.set(pinned);
        self.sync_active();
    }

    /// Opens a watched instance in the full view.
    pub fn open(&self, id: &str) {
        self.instance_id.set(id.to_string());
        self.load(true);
    }

    pub fn set_refresh_setting(&self, setting: RefreshSetting) {
        storage::save_refresh_setting(setting);
        self.refresh_setting.set(setting);
        self.each_active(|t| t.reschedule(*self));
    }

    /// Pauses refreshing while the tab is hidden; refreshes at once when it is shown again.
    pub fn set_visible(&self, visible: bool) {
        if self.visible.get_untracked() == visible {
            return;
        }
        self.visible.set(visible);
        if visible {
            if self.refresh_setting.get_untracked() != RefreshSetting::Off {
                self.each_active(|t| t.fetch(*self));
            }
        } else {
            self.each_active(|t| t.reschedule(*self));
        }
    }

    /// Starts the trackers the page opened with (pinned instances).
    pub fn start(&self) {
        self.sync_active();
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
