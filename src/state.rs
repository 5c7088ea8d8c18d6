//! What the page holds, shared through context: the key and settings, what is on screen, and
//! the one load in flight. Components read these signals; only the methods here change what
//! is shown, so the rules (one request at a time, a new load clears an old error, the address
//! bar follows the instance) live in one place.

use crate::api::{self, Fetched, InFlight};
use crate::{demo, location, storage};
use instance_model::settings::DEFAULT_API_BASE;
use instance_model::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the API base in force came from, so Settings can say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseSource {
    Default,
    Config,
    User,
}

/// The instance on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub fetched: Fetched,
    /// Built-in sample data: no key, no network.
    pub demo: bool,
}

/// A failed load, and the ID it was for.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub error: ApiError,
    pub instance_id: String,
    /// The API base in force when it failed, for the advice text.
    pub api_base: String,
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
    /// True once config.json has been read (or found missing).
    pub config_ready: RwSignal<bool>,
    pub instance_id: RwSignal<String>,
    pub shown: RwSignal<Option<Shown>>,
    pub failure: RwSignal<Option<Failure>>,
    /// The ID being fetched, while a fetch is in flight.
    pub loading: RwSignal<Option<String>>,
    /// Text for the polite live region (copy feedback, load results).
    pub announcement: RwSignal<String>,
    /// A hint under the form (e.g. "paste your key"), not an API error.
    pub form_hint: RwSignal<Option<String>>,
    /// The browser's clock, ticking, for "12 s ago".
    pub now_ms: RwSignal<f64>,
    in_flight: StoredValue<Option<InFlight>, LocalStorage>,
    generation: StoredValue<u64>,
}

impl AppState {
    pub fn new() -> Self {
        let (key, remembered) = storage::load_key();
        let user_base = storage::load_api_base();
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
            config_ready: RwSignal::new(false),
            instance_id: RwSignal::new(location::instance_param().unwrap_or_default()),
            shown: RwSignal::new(None),
            failure: RwSignal::new(None),
            loading: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            form_hint: RwSignal::new(None),
            now_ms: RwSignal::new(js_sys::Date::now()),
            in_flight: StoredValue::new_local(None),
            generation: StoredValue::new(0),
        }
    }

    pub fn announce(&self, text: impl Into<String>) {
        let text = text.into();
        // Setting the same text twice would not be re-read by screen readers; clear first.
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
        self.config_ready.set(true);
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
        self.api_key.set(key);
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

    /// Loads the instance in the ID field. `push_history` is false when the address bar
    /// already says this instance (deep link, back/forward).
    pub fn load(&self, push_history: bool) {
        let id = self.instance_id.get_untracked().trim().to_string();
        let key = self.api_key.get_untracked().trim().to_string();
        if id.is_empty() {
            self.form_hint
                .set(Some("Enter an instance ID to load.".to_string()));
            return;
        }
        if key.is_empty() {
            self.form_hint.set(Some(format!(
                "Paste your Novita API key to load {id}. Or press Demo to see sample data without one."
            )));
            return;
        }
        self.form_hint.set(None);
        self.failure.set(None);
        let base = self.api_base.get_untracked();
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        let (in_flight, request) = api::get_instance(&base, &key, &id);
        // Replacing the previous handle drops it, which aborts the older request.
        self.in_flight.set_value(Some(in_flight));
        self.loading.set(Some(id.clone()));
        let state = *self;
        spawn_local(async move {
            let outcome = request.await;
            if state.generation.get_value() != generation {
                return; // a newer load has taken over
            }
            state.in_flight.set_value(None);
            state.loading.set(None);
            match outcome {
                Ok(fetched) => {
                    let name = fetched.instance.display_name().to_string();
                    let status = fetched.instance.status.label();
                    state.shown.set(Some(Shown {
                        fetched,
                        demo: false,
                    }));
                    state.announce(format!("Loaded {name}: {status}."));
                    if push_history {
                        location::show_instance(&id);
                    }
                }
                Err(error) => {
                    // The old instance stays only if it is the one that failed to refresh;
                    // another instance's data must not pass for this one's.
                    let same = state.shown.with_untracked(|s| {
                        s.as_ref()
                            .is_some_and(|s| !s.demo && s.fetched.instance.id == id)
                    });
                    if !same {
                        state.shown.set(None);
                    }
                    state.announce(format!("Could not load {id}: {}", error.title()));
                    state.failure.set(Some(Failure {
                        error,
                        instance_id: id,
                        api_base: base,
                    }));
                }
            }
        });
    }

    /// Reloads what is on screen.
    pub fn refresh(&self) {
        let Some(shown) = self.shown.get_untracked() else {
            return;
        };
        if shown.demo {
            self.show_demo(&shown.fetched.instance.id);
            return;
        }
        self.instance_id.set(shown.fetched.instance.id.clone());
        self.load(false);
    }

    /// Shows one of the built-in samples, with no key and no network.
    pub fn show_demo(&self, sample_id: &str) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.in_flight.set_value(None);
        self.loading.set(None);
        self.failure.set(None);
        self.form_hint.set(None);
        match demo::sample(sample_id) {
            Some(fetched) => {
                self.announce(format!(
                    "Showing demo data: {}.",
                    fetched.instance.display_name()
                ));
                self.shown.set(Some(Shown {
                    fetched,
                    demo: true,
                }));
            }
            None => self.shown.set(None),
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
