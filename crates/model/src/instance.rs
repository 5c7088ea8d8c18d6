//! The Get Instance object (`../shared/api/get-instance.md`), field for field.

use serde::Deserialize;
use serde_json::Value;

use crate::lenient;
use crate::status::{BillingMode, Status, Tone};

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Instance {
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    #[serde(deserialize_with = "lenient::string")]
    pub cluster_id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub cluster_name: String,
    #[serde(deserialize_with = "lenient::string")]
    pub image_url: String,
    #[serde(deserialize_with = "lenient::string")]
    pub image_auth_id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub command: String,
    #[serde(deserialize_with = "lenient::string")]
    pub entrypoint: String,
    /// Kept as text: the API sends "16", sometimes 16, and the page only shows it.
    #[serde(deserialize_with = "lenient::string")]
    pub cpu_num: String,
    /// In GB.
    #[serde(deserialize_with = "lenient::string")]
    pub memory: String,
    #[serde(deserialize_with = "lenient::string")]
    pub gpu_num: String,
    pub status: Status,
    #[serde(deserialize_with = "lenient::object")]
    pub status_error: Option<StatusError>,
    #[serde(deserialize_with = "lenient::object")]
    pub network: Option<Network>,
    #[serde(deserialize_with = "lenient::list")]
    pub port_mappings: Vec<PortMapping>,
    #[serde(deserialize_with = "lenient::list")]
    pub volume_mounts: Vec<VolumeMount>,
    #[serde(deserialize_with = "lenient::list")]
    pub node: Vec<Node>,
    #[serde(deserialize_with = "lenient::list")]
    pub jobs: Vec<Job>,
    #[serde(deserialize_with = "lenient::list")]
    pub envs: Vec<EnvVar>,
    #[serde(rename = "connectComponentSSH", deserialize_with = "lenient::object")]
    pub ssh: Option<Ssh>,
    #[serde(
        rename = "connectComponentWebTerminal",
        deserialize_with = "lenient::object"
    )]
    pub web_terminal: Option<WebTerminal>,
    #[serde(
        rename = "connectComponentJupyter",
        deserialize_with = "lenient::object"
    )]
    pub jupyter: Option<Jupyter>,
    #[serde(rename = "connectComponentLog", deserialize_with = "lenient::object")]
    pub logs: Option<LogStreams>,
    #[serde(deserialize_with = "lenient::string")]
    pub kind: String,
    pub billing_mode: BillingMode,
    /// Raw: "-1" for pay-as-you-go, otherwise Unix seconds. See [`crate::format::expiry`].
    #[serde(deserialize_with = "lenient::string")]
    pub end_time: String,
    /// Free system disk, GB.
    #[serde(deserialize_with = "lenient::number")]
    pub free_storage_size: Option<f64>,
    #[serde(deserialize_with = "lenient::number")]
    pub keep_data_day: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct StatusError {
    #[serde(deserialize_with = "lenient::string")]
    pub state: String,
    #[serde(deserialize_with = "lenient::string")]
    pub message: String,
}

impl StatusError {
    pub fn is_empty(&self) -> bool {
        self.state.trim().is_empty() && self.message.trim().is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Network {
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub ip: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct PortMapping {
    #[serde(deserialize_with = "lenient::port")]
    pub port: Option<u16>,
    #[serde(deserialize_with = "lenient::string")]
    pub endpoint: String,
    /// "http" or "tcp" in practice.
    #[serde(rename = "type", deserialize_with = "lenient::string")]
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeMount {
    /// "local" or "network".
    #[serde(rename = "type", deserialize_with = "lenient::string")]
    pub kind: String,
    /// GB.
    #[serde(deserialize_with = "lenient::number")]
    pub size: Option<f64>,
    /// Cloud storage ID, only for network volumes.
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    #[serde(deserialize_with = "lenient::string")]
    pub mount_path: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    /// Maximum system disk size, GB.
    #[serde(deserialize_with = "lenient::number")]
    pub max_rootfs_size: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Job {
    #[serde(deserialize_with = "lenient::string")]
    pub id: String,
    /// Only "saveImage" is documented.
    #[serde(rename = "type", deserialize_with = "lenient::string")]
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EnvVar {
    #[serde(deserialize_with = "lenient::string")]
    pub key: String,
    #[serde(deserialize_with = "lenient::string")]
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Ssh {
    #[serde(deserialize_with = "lenient::string")]
    pub ssh_command: String,
    #[serde(deserialize_with = "lenient::string")]
    pub password: String,
    #[serde(deserialize_with = "lenient::boolean")]
    pub is_running: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WebTerminal {
    #[serde(deserialize_with = "lenient::string")]
    pub address: String,
    #[serde(deserialize_with = "lenient::string")]
    pub username: String,
    #[serde(deserialize_with = "lenient::string")]
    pub password: String,
    #[serde(deserialize_with = "lenient::boolean")]
    pub is_running: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Jupyter {
    #[serde(deserialize_with = "lenient::port")]
    pub port: Option<u16>,
    #[serde(deserialize_with = "lenient::string")]
    pub address: String,
    #[serde(deserialize_with = "lenient::boolean")]
    pub is_running: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LogStreams {
    #[serde(deserialize_with = "lenient::string")]
    pub system_log_address: String,
    #[serde(deserialize_with = "lenient::string")]
    pub instance_log_address: String,
    #[serde(deserialize_with = "lenient::boolean")]
    pub is_running: bool,
}

/// Why a 2xx body is not an instance. The text is shown to the user as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceParseError {
    /// Empty body.
    Empty,
    /// Not JSON at all (an HTML page, a cut-off body).
    NotJson {
        detail: String,
        looks_like_html: bool,
    },
    /// JSON, but not an object (`[]`, a string, a number).
    NotAnObject { found: &'static str },
    /// An object without any instance field; `message` is the API's own words if it sent any.
    NoInstanceFields { message: Option<String> },
}

impl std::fmt::Display for InstanceParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => write!(f, "the answer was empty"),
            Self::NotJson {
                looks_like_html: true,
                ..
            } => write!(f, "the answer was a web page (HTML), not JSON"),
            Self::NotJson { detail, .. } => write!(f, "the answer was not valid JSON ({detail})"),
            Self::NotAnObject { found } => {
                write!(f, "the answer was JSON {found}, not an instance object")
            }
            Self::NoInstanceFields { message: Some(m) } => {
                write!(f, "the answer held no instance, only the message \"{m}\"")
            }
            Self::NoInstanceFields { message: None } => {
                write!(f, "the answer was a JSON object with no instance fields")
            }
        }
    }
}

impl std::error::Error for InstanceParseError {}

impl Instance {
    /// Parses a Get Instance body. Any object that carries an instance field parses, whatever
    /// its other fields hold; only bodies that are not an instance at all are errors.
    pub fn from_json(body: &str) -> Result<Instance, InstanceParseError> {
        let trimmed = body.trim();
        if trimmed.is_empty() {
            return Err(InstanceParseError::Empty);
        }
        let value: Value =
            serde_json::from_str(trimmed).map_err(|e| InstanceParseError::NotJson {
                detail: e.to_string(),
                looks_like_html: trimmed.starts_with('<'),
            })?;
        Self::from_value(value)
    }

    pub fn from_value(value: Value) -> Result<Instance, InstanceParseError> {
        let Value::Object(map) = &value else {
            return Err(InstanceParseError::NotAnObject {
                found: json_kind(&value),
            });
        };
        let has_instance_field = ["id", "name", "status"]
            .iter()
            .any(|k| map.get(*k).is_some_and(|v| !v.is_null()));
        if !has_instance_field {
            let message = ["message", "reason", "msg", "error"]
                .iter()
                .filter_map(|k| map.get(*k).map(lenient::value_to_string))
                .find(|m| !m.trim().is_empty());
            return Err(InstanceParseError::NoInstanceFields { message });
        }
        // Every field is lenient and defaulted, so an object always deserializes; the error
        // arm is unreachable in practice but is still turned into words, not a panic.
        serde_json::from_value(value).map_err(|e| InstanceParseError::NotJson {
            detail: e.to_string(),
            looks_like_html: false,
        })
    }

    /// The tone of the badge: the status's own tone, except that a stopped or stuck instance
    /// carrying a `statusError` reads as an error.
    pub fn tone(&self) -> Tone {
        let has_error = self.status_error.as_ref().is_some_and(|e| !e.is_empty());
        match self.status.tone() {
            Tone::Ok => Tone::Ok,
            _ if has_error => Tone::Error,
            tone => tone,
        }
    }

    /// The name to show; falls back to the ID when the API sent no name.
    pub fn display_name(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.id
        } else {
            &self.name
        }
    }

    /// The node's root-fs limit, GB (first node that reports one).
    pub fn max_rootfs_size(&self) -> Option<f64> {
        self.node.iter().find_map(|n| n.max_rootfs_size)
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(a) if a.is_empty() => "an empty list",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
