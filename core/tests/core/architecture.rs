//! The shape of the code, kept true: no import cycle between the top-level modules of either
//! crate, no source file over 500 lines (test files aside), and a core that depends on no
//! device, model, database or async crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 500;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `src/config/display/mod.rs` → `config`; the crate roots themselves → `None`.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let name = first.as_os_str().to_str()?.trim_end_matches(".rs");
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// Which top-level modules each top-level module names through `crate::`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = rust_files(src);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| top_module(src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for file in &files {
        let Some(from) = top_module(src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if name != from && modules.contains(&name) {
                    graph.get_mut(&from).unwrap().insert(name);
                }
            }
        }
    }
    graph
}

/// A cycle through `start`, if there is one.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut path = vec![start.to_string()];
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        path: &mut Vec<String>,
    ) -> bool {
        let last = path.last().unwrap().clone();
        for next in &graph[&last] {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if !path.contains(next) {
                path.push(next.clone());
                if walk(graph, start, path) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    walk(graph, start, &mut path).then_some(path)
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    for src in [
        repo().join("core/src"),
        repo().join("media/src"),
        repo().join("src"),
    ] {
        let graph = module_graph(&src);
        assert!(graph.len() >= 5, "{}: too few modules found", src.display());
        for module in graph.keys() {
            if let Some(cycle) = cycle_from(&graph, module) {
                panic!("{}: import cycle {}", src.display(), cycle.join(" → "));
            }
        }
    }
}

#[test]
fn no_source_file_is_over_500_lines() {
    let mut long = Vec::new();
    for src in [
        repo().join("core/src"),
        repo().join("media/src"),
        repo().join("src"),
    ] {
        for file in rust_files(&src) {
            let name = file.file_name().unwrap().to_string_lossy();
            if name == "tests.rs" || name.ends_with("_tests.rs") {
                continue;
            }
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            if lines > MAX_LINES {
                long.push(format!("{}: {lines} lines", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "split these files:\n{}", long.join("\n"));
}

#[test]
fn the_core_depends_on_no_device_model_database_or_runtime_crate() {
    let manifest = std::fs::read_to_string(repo().join("core/Cargo.toml")).unwrap();
    for forbidden in [
        "tokio",
        "tflite",
        "rodio",
        "cpal",
        "alsa",
        "v4l",
        "rppal",
        "rusqlite",
        "mipidsi",
        "linux-embedded-hal",
        "symphonia",
        "lofty",
    ] {
        assert!(
            !manifest
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{forbidden} "))
                    || l.trim_start().starts_with(&format!("{forbidden}="))),
            "core/Cargo.toml names {forbidden}"
        );
    }
}
