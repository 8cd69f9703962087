//! `oauth2kit`: run OAuth 2.0 grants from the command line, and `oauth2kit demo`.
//! A thin layer over the core's blocking client: flags in, one call, answer out.

mod args;
mod commands;
mod config;
mod demo;
mod exit;
mod grants;
mod logging;
mod loopback;
mod output;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `token exchange` was renamed (it runs any extension grant; RFC 8693 is
    // `token token-exchange`): the old name works and says so.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "token") {
        if args.get(i + 1).map(String::as_str) == Some("exchange") {
            eprintln!(
                "oauth2kit: note: `token exchange` is now `token extension-grant` (the old name \
                 keeps working); RFC 8693 token exchange is `token token-exchange`"
            );
        }
    }
    logging::init(cli.verbose);
    let json = cli.command.json();
    let result = match cli.command {
        Command::Demo(a) => demo::run(&a),
        Command::Token(t) => commands::token(t),
        Command::Introspect(a) => commands::introspect(&a),
        Command::Revoke(a) => commands::revoke(&a),
        Command::Validate(a) => commands::validate(&a),
        Command::Discover(a) => commands::discover(&a),
        Command::Userinfo(a) => commands::userinfo(&a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => exit::report(&e, json),
    }
}

#[cfg(test)]
mod tests {
    /// clap's own consistency checks (unique names, valid defaults…), which
    /// otherwise fire only when a subcommand is first used.
    #[test]
    fn command_line_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
