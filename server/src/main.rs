//! The server binary: `serve` (default) and the operator's commands. See `server --help`.

#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

fn main() -> std::process::ExitCode {
    server::cli::main()
}
