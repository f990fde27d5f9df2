//! The `moodbox` command: a thin shell over the library. Errors end here, as `anyhow`
//! messages with context, and become an exit status.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
