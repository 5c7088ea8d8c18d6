//! The Get Instance object (`../shared/api/get-instance.md`), field for field.

use serde_json::Value;

use crate::lenient::{self, boolean, list, number, object, port, string, Object};
use crate::status::{BillingMode, Status, Tone};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Instance {
    pub id: String,
    pub name: String,
    pub cluster_id: String,
    pub cluster_name: String,
    pub image_url: String,
    pub image_auth_id: String,
    pub command: String,
    pub entrypoint: String,
    /// Kept as text: the API sends "16", sometimes 16, and the page only shows it.
    pub cpu_num: String,
    /// In GB.
    pub memory: String,
    pub gpu_num: String,
    pub status: Status,
    pub status_error: Option<StatusError>,
    pub network: Option<Network>,
    pub port_mappings: Vec<PortMapping>,
    pub volume_mounts: Vec<VolumeMount>,
    pub node: Vec<Node>,
    pub jobs: Vec<Job>,
    pub envs: Vec<EnvVar>,
    pub ssh: Option<Ssh>,
    pub web_terminal: Option<WebTerminal>,
    pub jupyter: Option<Jupyter>,
    pub logs: Option<LogStreams>,
    pub kind: String,
    pub billing_mode: BillingMode,
    /// Raw: "-1" for pay-as-you-go, otherwise Unix seconds. See [`crate::format::expiry`].
    pub end_time: String,
    /// Free system disk, GB.
    pub free_storage_size: Option<f64>,
    pub keep_data_day: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusError {
    pub state: String,
    pub message: String,
}

impl StatusError {
    pub fn is_empty(&self) -> bool {
        self.state.trim().is_empty() && self.message.trim().is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Network {
    pub id: String,
    pub ip: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PortMapping {
    pub port: Option<u16>,
    pub endpoint: String,
    /// "http" or "tcp" in practice.
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct VolumeMount {
    /// "local" or "network".
    pub kind: String,
    /// GB.
    pub size: Option<f64>,
    /// Cloud storage ID, only for network volumes.
    pub id: String,
    pub mount_path: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Node {
    /// Maximum system disk size, GB.
    pub max_rootfs_size: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Job {
    pub id: String,
    /// Only "saveImage" is documented.
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct EnvVar {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ssh {
    pub ssh_command: String,
    pub password: String,
    pub is_running: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WebTerminal {
    pub address: String,
    pub username: String,
    pub password: String,
    pub is_running: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Jupyter {
    pub port: Option<u16>,
    pub address: String,
    pub is_running: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogStreams {
    pub system_log_address: String,
    pub instance_log_address: String,
    pub is_running: bool,
}

/// Why a 2xx body is not an instance. The text is shown to the user as is.
#[derive(Debug, thiserror::Error)]
pub enum InstanceParseError {
    #[error("the answer was empty")]
    Empty,
    /// A web page (a login page, a proxy's error page) where JSON was expected.
    #[error("the answer was a web page (HTML), not JSON")]
    WebPage {
        #[source]
        source: serde_json::Error,
    },
    /// Not JSON at all (a cut-off body, plain text). The parser's words (where it stopped)
    /// are part of the message, since the page shows only the message.
    #[error("the answer was not valid JSON ({source})")]
    NotJson {
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but not an object (`[]`, a string, a number).
    #[error("the answer was JSON {found}, not an instance object")]
    NotAnObject { found: &'static str },
    /// An object without any instance field, carrying the API's own words (an envelope such as
    /// `{"code":0,"message":"instance is being created"}`).
    #[error("the answer held no instance, only the message \"{message}\"")]
    OnlyMessage { message: String },
    /// An object without any instance field or message.
    #[error("the answer was a JSON object with no instance fields")]
    NoInstanceFields,
}

// Serde users get the same lenient reading (a body that is not an object reads as empty).
lenient::deserialize_via_value!(Instance, Instance::read);

impl Instance {
    /// Parses a Get Instance body. Any object that carries an instance field parses, whatever
    /// its other fields hold; only bodies that are not an instance at all are errors.
    pub fn from_json(body: &str) -> Result<Instance, InstanceParseError> {
        let trimmed = body.trim();
        if trimmed.is_empty() {
            return Err(InstanceParseError::Empty);
        }
        let value: Value = serde_json::from_str(trimmed).map_err(|source| {
            if trimmed.starts_with('<') {
                InstanceParseError::WebPage { source }
            } else {
                InstanceParseError::NotJson { source }
            }
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
                .map(|k| lenient::string(map.get(*k)))
                .find(|m| !m.trim().is_empty());
            return Err(match message {
                Some(message) => InstanceParseError::OnlyMessage { message },
                None => InstanceParseError::NoInstanceFields,
            });
        }
        Ok(Instance::read(map))
    }

    /// Reads every field leniently: whatever each holds, this never fails.
    fn read(o: &Object) -> Instance {
        let text = |key: &str| string(o.get(key));
        Instance {
            id: text("id"),
            name: text("name"),
            cluster_id: text("clusterId"),
            cluster_name: text("clusterName"),
            image_url: text("imageUrl"),
            image_auth_id: text("imageAuthId"),
            command: text("command"),
            entrypoint: text("entrypoint"),
            cpu_num: text("cpuNum"),
            memory: text("memory"),
            gpu_num: text("gpuNum"),
            status: Status::from_api(&text("status")),
            status_error: object(o.get("statusError"), |o| StatusError {
                state: string(o.get("state")),
                message: string(o.get("message")),
            }),
            network: object(o.get("network"), |o| Network {
                id: string(o.get("id")),
                ip: string(o.get("ip")),
            }),
            port_mappings: list(o.get("portMappings"), |o| PortMapping {
                port: port(o.get("port")),
                endpoint: string(o.get("endpoint")),
                kind: string(o.get("type")),
            }),
            volume_mounts: list(o.get("volumeMounts"), |o| VolumeMount {
                kind: string(o.get("type")),
                size: number(o.get("size")),
                id: string(o.get("id")),
                mount_path: string(o.get("mountPath")),
            }),
            node: list(o.get("node"), |o| Node {
                max_rootfs_size: number(o.get("maxRootfsSize")),
            }),
            jobs: list(o.get("jobs"), |o| Job {
                id: string(o.get("id")),
                kind: string(o.get("type")),
            }),
            envs: list(o.get("envs"), |o| EnvVar {
                key: string(o.get("key")),
                value: string(o.get("value")),
            }),
            ssh: object(o.get("connectComponentSSH"), |o| Ssh {
                ssh_command: string(o.get("sshCommand")),
                password: string(o.get("password")),
                is_running: boolean(o.get("isRunning")),
            }),
            web_terminal: object(o.get("connectComponentWebTerminal"), |o| WebTerminal {
                address: string(o.get("address")),
                username: string(o.get("username")),
                password: string(o.get("password")),
                is_running: boolean(o.get("isRunning")),
            }),
            jupyter: object(o.get("connectComponentJupyter"), |o| Jupyter {
                port: port(o.get("port")),
                address: string(o.get("address")),
                is_running: boolean(o.get("isRunning")),
            }),
            logs: object(o.get("connectComponentLog"), |o| LogStreams {
                system_log_address: string(o.get("systemLogAddress")),
                instance_log_address: string(o.get("instanceLogAddress")),
                is_running: boolean(o.get("isRunning")),
            }),
            kind: text("kind"),
            billing_mode: BillingMode::from_api(&text("billingMode")),
            end_time: text("endTime"),
            free_storage_size: number(o.get("freeStorageSize")),
            keep_data_day: number(o.get("keepDataDay")),
        }
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
