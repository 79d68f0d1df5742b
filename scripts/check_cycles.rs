//! Import circles between the modules of one crate, for every crate under `crates/`.
//!
//! Each module file is a node: `lib.rs` or `main.rs` (the crate root), `a.rs`, `a/mod.rs`,
//! `a/b.rs`, found by following `mod x;` declarations from the root. Inline modules
//! (`mod tests { … }`) belong to their file. A file uses a module when it names it in a path:
//! `crate::a::b`, `super::x`, `self::x`, or a path through a child module it declares, in a
//! `use` or anywhere in the code. `pub use` re-exports are followed, so `crate::AppState`
//! (re-exported by the root) counts as a use of the module that defines `AppState`.
//! A circle is a set of modules that reach each other through such uses.
//!
//!     check_cycles [--exempt-root=CRATE,…] [CRATE… | all]
//!
//! Reads every crate and prints its circles; exits with 1 when a crate to enforce has one.
//! The crates to enforce are the arguments, else `$PARTNEROS_ACYCLIC_CRATES` (names separated
//! by spaces or commas), else all. `--exempt-root` names crates whose root may name any of
//! their modules (the place the crate is assembled): uses that leave their `lib.rs` or
//! `main.rs` are not counted, so no circle runs through it. It needs no Cargo and no dependency, so `scripts/test.sh`
//! builds it with rustc alone before anything else runs:
//!
//!     rustc --edition 2024 -O scripts/check_cycles.rs -o target/check_cycles
//!     rustc --edition 2024 --test scripts/check_cycles.rs -o target/check_cycles_tests

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "check_cycles/tokens.rs"]
mod tokens;
use tokens::{Tok, tokens};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!(
            "usage: check_cycles [--exempt-root=CRATE,...] [CRATE... | all]  (run from the workspace root)"
        );
        return ExitCode::SUCCESS;
    }
    let (flags, args): (Vec<String>, Vec<String>) =
        args.into_iter().partition(|a| a.starts_with("--"));
    let mut exempt_root: Vec<String> = Vec::new();
    for flag in &flags {
        match flag.strip_prefix("--exempt-root=") {
            Some(names) => exempt_root.extend(
                names
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            ),
            None => {
                eprintln!("check_cycles: unknown option {flag}");
                return ExitCode::from(2);
            }
        }
    }
    let wanted: Vec<String> = if args.is_empty() {
        std::env::var("PARTNEROS_ACYCLIC_CRATES")
            .unwrap_or_else(|_| "all".into())
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        args
    };
    let crates = match workspace_crates(Path::new("crates")) {
        Ok(crates) if !crates.is_empty() => crates,
        Ok(_) => {
            eprintln!("check_cycles: no crates under ./crates; run it from the workspace root");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("check_cycles: reading ./crates: {e}");
            return ExitCode::from(2);
        }
    };
    let all = wanted.iter().any(|w| w == "all");
    for name in wanted.iter().chain(&exempt_root) {
        if name != "all" && !crates.iter().any(|(n, _)| n == name) {
            eprintln!("check_cycles: no crate named '{name}' under ./crates");
            return ExitCode::from(2);
        }
    }
    let mut failed = Vec::new();
    for (name, root) in &crates {
        let root_exempt = exempt_root.iter().any(|e| e == name || e == "all");
        let graph = match Graph::read(root, root_exempt) {
            Ok(graph) => graph,
            Err(e) => {
                eprintln!("check_cycles: {name}: {e}");
                return ExitCode::from(2);
            }
        };
        for warning in &graph.warnings {
            eprintln!("check_cycles: {name}: {warning}");
        }
        let circles = graph.circles();
        let enforced = all || wanted.contains(name);
        let verdict = match (circles.is_empty(), enforced) {
            (true, _) => "no import circle".to_owned(),
            (false, true) => format!("{} import circle(s), enforced: FAIL", circles.len()),
            (false, false) => format!("{} import circle(s), not enforced yet", circles.len()),
        };
        let exempt = if root_exempt {
            " (crate root exempt)"
        } else {
            ""
        };
        println!("{name}: {} modules{exempt}, {verdict}", graph.nodes.len());
        for circle in &circles {
            println!("  {}", graph.describe(circle));
        }
        if enforced && !circles.is_empty() {
            failed.push(name.clone());
        }
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "check_cycles: import circles in {}: a module may not use a module that uses it back",
            failed.join(", ")
        );
        ExitCode::FAILURE
    }
}

/// `(name, root file)` of each crate under `dir`, by name (a package's binary beside its
/// library is `<name>-bin`).
fn workspace_crates(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut crates = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        // A package with both a library and a binary is two crates: each root is read.
        let lib = path.join("src").join("lib.rs");
        let main = path.join("src").join("main.rs");
        match (lib.is_file(), main.is_file()) {
            (true, true) => {
                crates.push((format!("{name}-bin"), main));
                crates.push((name, lib));
            }
            (true, false) => crates.push((name, lib)),
            (false, true) => crates.push((name, main)),
            (false, false) => {}
        }
    }
    crates.sort();
    Ok(crates)
}

// ---- one file ----

/// A path named in a file: its segments as written, the inline module it sits in (relative
/// to the file) and its line.
#[derive(Debug, Clone)]
struct Mention {
    segments: Vec<String>,
    inline: Vec<String>,
    line: usize,
}

#[derive(Debug, Default)]
struct FileFacts {
    /// `mod x;` at the top of the file: child modules in their own files.
    children: Vec<String>,
    /// `mod x { … }` at the top of the file.
    inline_children: BTreeSet<String>,
    /// Items defined at the top of the file.
    items: BTreeSet<String>,
    /// `pub use` at the top of the file: exported name → path as written.
    reexports: BTreeMap<String, Vec<String>>,
    /// `pub use path::*` at the top of the file.
    glob_reexports: Vec<Vec<String>>,
    mentions: Vec<Mention>,
    /// `mod x;` inside an inline module, which this reader does not follow.
    nested_declarations: Vec<(String, usize)>,
}

const ITEM_KEYWORDS: [&str; 9] = [
    "fn",
    "struct",
    "enum",
    "trait",
    "type",
    "const",
    "static",
    "union",
    "macro_rules",
];

fn read_file(src: &str) -> FileFacts {
    let toks = tokens(src);
    let mut facts = FileFacts::default();
    let mut depth = 0usize;
    // (name, depth of its body) of the inline modules we are in.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut pending_inline: Option<String> = None;
    let ident = |k: usize| match toks.get(k) {
        Some((Tok::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let mut i = 0;
    while i < toks.len() {
        let (tok, line) = (&toks[i].0, toks[i].1);
        let top = inline.is_empty() && depth == 0;
        match tok {
            Tok::Punct('{') => {
                depth += 1;
                if let Some(name) = pending_inline.take() {
                    inline.push((name, depth));
                }
            }
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Punct(';') => pending_inline = None,
            Tok::Ident(word) if word == "mod" && ident(i + 1).is_some() => {
                let name = ident(i + 1).unwrap_or_default().to_owned();
                match toks.get(i + 2).map(|t| &t.0) {
                    Some(Tok::Punct(';')) if top => facts.children.push(name),
                    Some(Tok::Punct(';')) => facts.nested_declarations.push((name, line)),
                    Some(Tok::Punct('{')) => {
                        if top {
                            facts.inline_children.insert(name.clone());
                        }
                        pending_inline = Some(name);
                    }
                    _ => {}
                }
                i += 2;
                continue;
            }
            // Not `impl Trait + use<'a>`.
            Tok::Ident(word)
                if word == "use" && toks.get(i + 1).map(|t| &t.0) != Some(&Tok::Punct('<')) =>
            {
                let public = is_public(&toks, i);
                let (leaves, end) = use_tree(&toks, i + 1);
                let here: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                for leaf in leaves {
                    if top && public {
                        if leaf.glob {
                            facts.glob_reexports.push(leaf.path.clone());
                        } else if let Some(name) = leaf.name.clone() {
                            facts.reexports.insert(name, leaf.path.clone());
                        }
                    }
                    facts.mentions.push(Mention {
                        segments: leaf.path,
                        inline: here.clone(),
                        line,
                    });
                }
                i = end;
                continue;
            }
            Tok::Ident(word) if top && ITEM_KEYWORDS.contains(&word.as_str()) => {
                let name_at = if word == "macro_rules" { i + 2 } else { i + 1 };
                if let Some(name) = ident(name_at) {
                    facts.items.insert(name.to_owned());
                }
            }
            Tok::Ident(first) => {
                let starts_path =
                    !matches!(i.checked_sub(1).map(|k| &toks[k].0), Some(Tok::PathSep))
                        && matches!(toks.get(i + 1).map(|t| &t.0), Some(Tok::PathSep));
                // `$crate::…` in a macro is `crate::…`.
                if starts_path {
                    let mut segments = vec![first.clone()];
                    let mut k = i + 1;
                    while matches!(toks.get(k).map(|t| &t.0), Some(Tok::PathSep)) {
                        match ident(k + 1) {
                            Some(next) => segments.push(next.to_owned()),
                            None => break,
                        }
                        k += 2;
                    }
                    facts.mentions.push(Mention {
                        segments,
                        inline: inline.iter().map(|(n, _)| n.clone()).collect(),
                        line,
                    });
                    i = k;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    facts
}

/// Whether the `use` at `i` is `pub` (any visibility but private).
fn is_public(toks: &[(Tok, usize)], i: usize) -> bool {
    let mut k = i;
    // Skip back over a visibility's parentheses: `pub(crate) use`, `pub(in a::b) use`.
    if k > 0 && toks[k - 1].0 == Tok::Punct(')') {
        while k > 0 && toks[k - 1].0 != Tok::Punct('(') {
            k -= 1;
        }
        k = k.saturating_sub(1);
    }
    k > 0 && toks[k - 1].0 == Tok::Ident("pub".into())
}

#[derive(Debug, Clone, PartialEq)]
struct UseLeaf {
    path: Vec<String>,
    /// The name it brings into scope (`None` for `_` and globs).
    name: Option<String>,
    glob: bool,
}

/// The leaves of the use tree starting at `i`, and the index past its `;`.
fn use_tree(toks: &[(Tok, usize)], i: usize) -> (Vec<UseLeaf>, usize) {
    let mut leaves = Vec::new();
    let end = use_subtree(toks, i, &[], &mut leaves);
    let mut k = end;
    while k < toks.len() && toks[k].0 != Tok::Punct(';') {
        k += 1;
    }
    (leaves, k + 1)
}

fn use_subtree(
    toks: &[(Tok, usize)],
    mut i: usize,
    prefix: &[String],
    out: &mut Vec<UseLeaf>,
) -> usize {
    let mut path = prefix.to_vec();
    if toks.get(i).map(|t| &t.0) == Some(&Tok::PathSep) {
        // `::name` names an external crate.
        path.push("::".into());
        i += 1;
    }
    loop {
        match toks.get(i).map(|t| &t.0) {
            Some(Tok::Ident(name)) if name == "self" && !path.is_empty() => {
                let name = path.last().cloned();
                i += 1;
                let alias = alias_at(toks, &mut i);
                out.push(UseLeaf {
                    path: path.clone(),
                    name: alias.or(name),
                    glob: false,
                });
                return i;
            }
            Some(Tok::Ident(name)) => {
                path.push(name.clone());
                i += 1;
                if toks.get(i).map(|t| &t.0) == Some(&Tok::PathSep) {
                    i += 1;
                    continue;
                }
                let alias = alias_at(toks, &mut i);
                let name = alias.or_else(|| path.last().cloned()).filter(|n| n != "_");
                out.push(UseLeaf {
                    path,
                    name,
                    glob: false,
                });
                return i;
            }
            Some(Tok::Punct('*')) => {
                out.push(UseLeaf {
                    path,
                    name: None,
                    glob: true,
                });
                return i + 1;
            }
            Some(Tok::Punct('{')) => {
                i += 1;
                loop {
                    match toks.get(i).map(|t| &t.0) {
                        Some(Tok::Punct('}')) => return i + 1,
                        Some(Tok::Punct(',')) => i += 1,
                        None => return i,
                        Some(_) => {
                            let next = use_subtree(toks, i, &path, out);
                            i = if next > i { next } else { i + 1 };
                        }
                    }
                }
            }
            _ => return i,
        }
    }
}

/// `as name` at `i`, moving past it.
fn alias_at(toks: &[(Tok, usize)], i: &mut usize) -> Option<String> {
    if toks.get(*i).map(|t| &t.0) == Some(&Tok::Ident("as".into())) {
        if let Some((Tok::Ident(alias), _)) = toks.get(*i + 1) {
            *i += 2;
            return Some(alias.clone());
        }
    }
    None
}

// ---- one crate ----

struct Node {
    /// `crate`, `a`, `a::b`.
    name: String,
    file: PathBuf,
    /// Module path from the crate root (empty for the root).
    path: Vec<String>,
    facts: FileFacts,
    /// Child module name → node.
    children: BTreeMap<String, usize>,
}

struct Graph {
    nodes: Vec<Node>,
    /// from → to → the first line of `from` that uses `to`.
    edges: BTreeMap<usize, BTreeMap<usize, usize>>,
    warnings: Vec<String>,
}

impl Graph {
    /// The modules of the crate whose root file is `root`; with `root_exempt`, what the root
    /// names is not counted.
    fn read(root: &Path, root_exempt: bool) -> Result<Graph, String> {
        let mut graph = Graph {
            nodes: Vec::new(),
            edges: BTreeMap::new(),
            warnings: Vec::new(),
        };
        let mut queue = VecDeque::from([(root.to_path_buf(), Vec::<String>::new(), None::<usize>)]);
        while let Some((file, path, parent)) = queue.pop_front() {
            let src =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let facts = read_file(&src);
            for (name, line) in &facts.nested_declarations {
                graph.warnings.push(format!(
                    "{}:{line}: `mod {name};` inside an inline module is not followed",
                    file.display()
                ));
            }
            let id = graph.nodes.len();
            let name = if path.is_empty() {
                "crate".to_owned()
            } else {
                path.join("::")
            };
            if let Some(parent) = parent {
                let last = path.last().cloned().unwrap_or_default();
                graph.nodes[parent].children.insert(last, id);
            }
            let dir = match file.file_name().and_then(|n| n.to_str()) {
                Some("lib.rs" | "main.rs" | "mod.rs") => file.parent().map(Path::to_path_buf),
                _ => file
                    .parent()
                    .map(|p| p.join(file.file_stem().unwrap_or_default())),
            }
            .unwrap_or_default();
            for child in &facts.children {
                let candidates = [
                    dir.join(format!("{child}.rs")),
                    dir.join(child).join("mod.rs"),
                ];
                match candidates.iter().find(|c| c.is_file()) {
                    Some(found) => {
                        let mut child_path = path.clone();
                        child_path.push(child.clone());
                        queue.push_back((found.clone(), child_path, Some(id)));
                    }
                    None => graph.warnings.push(format!(
                        "{}: `mod {child};` has no file {} or {}",
                        file.display(),
                        candidates[0].display(),
                        candidates[1].display()
                    )),
                }
            }
            graph.nodes.push(Node {
                name,
                file,
                path,
                facts,
                children: BTreeMap::new(),
            });
        }
        // Node 0 is the root: with `root_exempt`, its uses are left out.
        for from in usize::from(root_exempt)..graph.nodes.len() {
            let mentions = graph.nodes[from].facts.mentions.clone();
            for mention in mentions {
                let Some(to) = graph.resolve_mention(from, &mention) else {
                    continue;
                };
                if to != from {
                    graph
                        .edges
                        .entry(from)
                        .or_default()
                        .entry(to)
                        .or_insert(mention.line);
                }
            }
        }
        Ok(graph)
    }

    /// The node a path in `from`'s file names, if it names one of this crate's modules.
    fn resolve_mention(&self, from: usize, mention: &Mention) -> Option<usize> {
        let node = &self.nodes[from];
        let mut context = node.path.clone();
        context.extend(mention.inline.iter().cloned());
        let segments = &mention.segments;
        let first = segments.first()?.as_str();
        let absolute: Vec<String> = match first {
            "crate" => segments[1..].to_vec(),
            "self" => [context, segments[1..].to_vec()].concat(),
            "super" => {
                let supers = segments.iter().take_while(|s| *s == "super").count();
                let keep = context.len().checked_sub(supers)?;
                [context[..keep].to_vec(), segments[supers..].to_vec()].concat()
            }
            // A child module of the file, named from its top level.
            child if mention.inline.is_empty() && node.children.contains_key(child) => {
                [node.path.clone(), segments.clone()].concat()
            }
            _ => return None,
        };
        Some(self.resolve(&absolute, 0))
    }

    /// The module an absolute path (from the crate root) lands in, through re-exports.
    fn resolve(&self, absolute: &[String], hops: usize) -> usize {
        let mut node = 0;
        for (k, segment) in absolute.iter().enumerate() {
            if let Some(&child) = self.nodes[node].children.get(segment) {
                node = child;
                continue;
            }
            let facts = &self.nodes[node].facts;
            if hops < 8
                && !facts.items.contains(segment)
                && !facts.inline_children.contains(segment)
            {
                let target = facts.reexports.get(segment).cloned().or_else(|| {
                    // One glob re-export: the name is most likely from there.
                    (facts.glob_reexports.len() == 1).then(|| {
                        let mut path = facts.glob_reexports[0].clone();
                        path.push(segment.clone());
                        path
                    })
                });
                if let Some(target) = target {
                    let mention = Mention {
                        segments: target,
                        inline: Vec::new(),
                        line: 0,
                    };
                    if let Some(resolved) = self.resolve_mention(node, &mention) {
                        let rest = &absolute[k + 1..];
                        let mut path = self.nodes[resolved].path.clone();
                        path.extend(rest.iter().cloned());
                        return if rest.is_empty() {
                            resolved
                        } else {
                            self.resolve(&path, hops + 1)
                        };
                    }
                }
            }
            break;
        }
        node
    }

    /// Every set of modules that reach each other (strongly connected, more than one).
    fn circles(&self) -> Vec<Vec<usize>> {
        let n = self.nodes.len();
        let reach = |start: usize| {
            let mut seen = vec![false; n];
            let mut stack = vec![start];
            while let Some(at) = stack.pop() {
                for &to in self.edges.get(&at).map(|e| e.keys()).into_iter().flatten() {
                    if !seen[to] {
                        seen[to] = true;
                        stack.push(to);
                    }
                }
            }
            seen
        };
        let reachable: Vec<Vec<bool>> = (0..n).map(reach).collect();
        let mut placed = vec![false; n];
        let mut circles = Vec::new();
        for a in 0..n {
            if placed[a] || !reachable[a][a] {
                continue;
            }
            let members: Vec<usize> = (0..n)
                .filter(|&b| reachable[a][b] && reachable[b][a])
                .collect();
            for &m in &members {
                placed[m] = true;
            }
            if members.len() > 1 {
                circles.push(members);
            }
        }
        circles
    }

    /// The members of a circle and one shortest way around it, each step with where it is.
    fn describe(&self, members: &[usize]) -> String {
        let start = members[0];
        let inside: BTreeSet<usize> = members.iter().copied().collect();
        // Breadth first from `start` back to it, inside the circle.
        let mut previous: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        'search: while let Some(at) = queue.pop_front() {
            for &to in self.edges.get(&at).map(|e| e.keys()).into_iter().flatten() {
                if !inside.contains(&to) || previous.contains_key(&to) {
                    continue;
                }
                previous.insert(to, at);
                if to == start {
                    break 'search;
                }
                queue.push_back(to);
            }
        }
        let mut way = vec![start];
        let mut at = previous[&start];
        while at != start {
            way.push(at);
            at = previous[&at];
        }
        way.push(start);
        way.reverse();
        let names: Vec<&str> = members
            .iter()
            .map(|&m| self.nodes[m].name.as_str())
            .collect();
        let mut text = format!("circle of {}: {}", names.len(), names.join(", "));
        for pair in way.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            text.push_str(&format!(
                "\n    {} uses {} ({}:{})",
                self.nodes[from].name,
                self.nodes[to].name,
                self.nodes[from].file.display(),
                self.edges[&from][&to]
            ));
        }
        text
    }
}

#[cfg(test)]
#[path = "check_cycles/tests.rs"]
mod tests;
