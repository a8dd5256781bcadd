//! The README against the program: every command `briefcast --help` lists
//! (and every subcommand of those that have some) is in the README's
//! Commands block, so a new command cannot be left out of it.

use std::path::Path;

/// The lines of the first fenced block under `## Commands`.
fn commands_block(readme: &str) -> Vec<&str> {
    let section = readme
        .split("\n## Commands\n")
        .nth(1)
        .expect("README has a ## Commands section");
    let block = section
        .split("```")
        .nth(1)
        .expect("the Commands section opens with a fenced block");
    block.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// The commands a `--help` lists under `Commands:` (not `help` itself).
fn commands_in_help(args: &[&str]) -> Vec<String> {
    let output = crate::support::briefcast()
        .args(args)
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?} --help");
    let help = String::from_utf8(output.stdout).unwrap();
    let Some(commands) = help.split("\nCommands:\n").nth(1) else {
        return Vec::new();
    };
    commands
        .lines()
        .take_while(|l| l.starts_with("  "))
        // A name at two spaces; deeper lines continue a description.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_lists_every_command_help_knows() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let block = commands_block(&readme);
    let commands = commands_in_help(&[]);
    assert!(commands.len() >= 10, "{commands:?}");
    let mut missing = Vec::new();
    for command in &commands {
        let lines: Vec<&str> = block
            .iter()
            .copied()
            .filter(|l| {
                l.split_whitespace()
                    .take(2)
                    .eq(["briefcast", command.as_str()])
            })
            .collect();
        if lines.is_empty() {
            missing.push(command.clone());
            continue;
        }
        for sub in commands_in_help(&[command]) {
            let listed = lines.iter().any(|l| {
                l.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == sub)
            });
            if !listed {
                missing.push(format!("{command} {sub}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "README's Commands block lacks: {}",
        missing.join(", ")
    );
}
