//! The server binary: `serve` (default) and the operator's commands. See `server --help`.

fn main() -> std::process::ExitCode {
    server::cli::main()
}
