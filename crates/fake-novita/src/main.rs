//! `cargo run -p fake-novita -- --port 9090 [--fleet mixed]`: the stand-in API for trying the
//! app by hand.

use std::net::Ipv4Addr;
use std::process::ExitCode;

use fake_novita::{serve, AppState, Fleet, MAX_GENERATED};
use tokio::net::TcpListener;

const DEFAULT_PORT: u16 = 9090;
const USAGE: &str = "usage: fake-novita [--port PORT] [--fleet empty|one|mixed|N]
  --port   default 9090; 0 picks a free port
  --fleet  what List Instances holds: mixed (default, 16 instances), empty, one, or N made-up ones";

enum Command {
    Serve { port: u16, fleet: Fleet },
    Help,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut port = DEFAULT_PORT;
    let mut fleet = Fleet::Mixed;
    while let Some(arg) = args.next() {
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => match arg.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "--port" | "-p" | "--fleet" => {
                    let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
                    (arg, value)
                }
                other => return Err(format!("unknown argument {other:?}")),
            },
        };
        match name.as_str() {
            "--port" | "-p" => {
                port = value
                    .parse()
                    .map_err(|_| format!("port must be a number from 0 to 65535, got {value:?}"))?;
            }
            "--fleet" => fleet = parse_fleet(&value)?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Command::Serve { port, fleet })
}

fn parse_fleet(value: &str) -> Result<Fleet, String> {
    match value {
        "empty" => Ok(Fleet::Empty),
        "one" => Ok(Fleet::One),
        "mixed" => Ok(Fleet::Mixed),
        count => match count.parse::<usize>() {
            Ok(count) if count <= MAX_GENERATED => Ok(Fleet::Generated(count)),
            _ => Err(format!(
                "fleet must be empty, one, mixed or a number up to {MAX_GENERATED}, got {value:?}"
            )),
        },
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let (port, fleet) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve { port, fleet }) => (port, fleet),
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("fake-novita: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let state = match AppState::with_fixtures() {
        Ok(state) => state,
        Err(err) => {
            eprintln!("fake-novita: {err}");
            return ExitCode::FAILURE;
        }
    };
    state.set_fleet(fleet);
    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("fake-novita: cannot listen on 127.0.0.1:{port}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(err) => {
            eprintln!("fake-novita: {err}");
            return ExitCode::FAILURE;
        }
    };
    // The key stays out of the output: terminal logs get pasted into issues.
    println!(
        "fake-novita listening on http://{addr} (key: use TEST_API_KEY from crates/fake-novita/src/lib.rs)"
    );
    let on_ctrl_c = state.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.begin_shutdown();
        }
    });
    match serve(listener, state).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fake-novita: {err}");
            ExitCode::FAILURE
        }
    }
}
