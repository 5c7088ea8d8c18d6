//! Instance status and billing mode: the documented values, anything else kept verbatim.

use serde::{Deserialize, Deserializer};

/// How a status reads at a glance. The page colours the badge by tone and always adds words
/// and an icon, so no one has to rely on colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tone {
    Ok,
    Progress,
    Stopped,
    Error,
    Unknown,
}

impl Tone {
    /// The `data-tone` value of CONTRACT.md.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Ok => "ok",
            Tone::Progress => "progress",
            Tone::Stopped => "stopped",
            Tone::Error => "error",
            Tone::Unknown => "unknown",
        }
    }

    /// A symbol that carries the tone without colour.
    pub fn icon(self) -> &'static str {
        match self {
            Tone::Ok => "●",
            Tone::Progress => "◐",
            Tone::Stopped => "■",
            Tone::Error => "▲",
            Tone::Unknown => "?",
        }
    }
}

macro_rules! statuses {
    ($($variant:ident = $api:literal, $label:literal, $tone:ident;)+) => {
        /// The 18 documented statuses, and `Unknown` holding anything else verbatim
        /// (including "" when the API sent none).
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum Status {
            $($variant,)+
            Unknown(String),
        }

        impl Status {
            /// Every documented status, in the docs' order.
            pub const DOCUMENTED: [Status; 18] = [$(Status::$variant,)+];

            /// Exact match on the documented spelling; anything else is `Unknown(raw)`, so
            /// `as_api_str` always gives back what the API sent.
            pub fn from_api(raw: &str) -> Status {
                match raw {
                    $($api => Status::$variant,)+
                    other => Status::Unknown(other.to_string()),
                }
            }

            /// The string the API sent.
            pub fn as_api_str(&self) -> &str {
                match self {
                    $(Status::$variant => $api,)+
                    Status::Unknown(raw) => raw,
                }
            }

            fn known(&self) -> Option<(&'static str, Tone)> {
                match self {
                    $(Status::$variant => Some(($label, Tone::$tone)),)+
                    Status::Unknown(_) => None,
                }
            }
        }
    };
}

statuses! {
    ToCreate = "toCreate", "Pending creation", Progress;
    Creating = "creating", "Creating", Progress;
    Pulling = "pulling", "Pulling image", Progress;
    Running = "running", "Running", Ok;
    ToStart = "toStart", "Pending start", Progress;
    Starting = "starting", "Starting", Progress;
    ToStop = "toStop", "Pending stop", Progress;
    Stopping = "stopping", "Stopping", Progress;
    Exited = "exited", "Stopped", Stopped;
    ToRestart = "toRestart", "Pending restart", Progress;
    Restarting = "restarting", "Restarting", Progress;
    ToRemove = "toRemove", "Pending deletion", Progress;
    Removing = "removing", "Deleting", Progress;
    Removed = "removed", "Deleted", Stopped;
    ToReset = "toReset", "Pending reset", Progress;
    Resetting = "resetting", "Resetting", Progress;
    Migrating = "migrating", "Migrating", Progress;
    Freezing = "freezing", "Freezing", Progress;
}

impl Default for Status {
    fn default() -> Self {
        Status::Unknown(String::new())
    }
}

impl Status {
    pub fn tone(&self) -> Tone {
        self.known().map_or(Tone::Unknown, |(_, tone)| tone)
    }

    /// Words for the badge.
    pub fn label(&self) -> String {
        match (self, self.known()) {
            (_, Some((label, _))) => label.to_string(),
            (Status::Unknown(raw), None) if raw.trim().is_empty() => "Status not reported".into(),
            (Status::Unknown(raw), None) => format!("Unknown status: {raw}"),
            (_, None) => "Status not reported".into(),
        }
    }

    /// Whether the instance is on its way somewhere (the badge spins, the page refreshes
    /// faster).
    pub fn is_in_progress(&self) -> bool {
        self.tone() == Tone::Progress
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(Status::from_api(&crate::lenient::string(Some(&value))))
    }
}

/// `billingMode`: the three documented modes, anything else verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BillingMode {
    OnDemand,
    Monthly,
    Spot,
    Other(String),
}

impl Default for BillingMode {
    fn default() -> Self {
        BillingMode::Other(String::new())
    }
}

impl BillingMode {
    pub fn from_api(raw: &str) -> BillingMode {
        match raw {
            "onDemand" => BillingMode::OnDemand,
            "monthly" => BillingMode::Monthly,
            "spot" => BillingMode::Spot,
            other => BillingMode::Other(other.to_string()),
        }
    }

    /// The words Novita's console uses; an undocumented value is shown as sent.
    pub fn label(&self) -> String {
        match self {
            BillingMode::OnDemand => "On Demand".into(),
            BillingMode::Monthly => "Subscription".into(),
            BillingMode::Spot => "Spot".into(),
            BillingMode::Other(raw) if raw.trim().is_empty() => "Not reported".into(),
            BillingMode::Other(raw) => raw.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for BillingMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(BillingMode::from_api(&crate::lenient::string(Some(&value))))
    }
}
