//! The import-circle check's own cases.

use super::*;

fn idents(src: &str) -> Vec<String> {
    tokens(src)
        .into_iter()
        .filter_map(|(t, _)| match t {
            Tok::Ident(s) => Some(s),
            _ => None,
        })
        .collect()
}

#[test]
fn literals_and_comments_hide_their_words() {
    let src = "a // crate::x\n/* crate::y /* nested */ crate::z */ \"crate::s\" r#\"crate::r\"# 'c' '\\n' b'x' br\"q\" 'life x";
    assert_eq!(idents(src), ["a", "x"]);
    assert_eq!(tokens("a\n\"two\nlines\"\nb").last().unwrap().1, 4);
}

#[test]
fn use_trees_expand_to_their_leaves() {
    let toks = tokens("use crate::{a::{self, B as C}, d::*, e};");
    let (leaves, end) = use_tree(&toks, 1);
    assert_eq!(end, toks.len());
    let paths: Vec<(String, Option<String>, bool)> = leaves
        .into_iter()
        .map(|l| (l.path.join("::"), l.name, l.glob))
        .collect();
    assert_eq!(
        paths,
        [
            ("crate::a".to_owned(), Some("a".to_owned()), false),
            ("crate::a::B".to_owned(), Some("C".to_owned()), false),
            ("crate::d".to_owned(), None, true),
            ("crate::e".to_owned(), Some("e".to_owned()), false),
        ]
    );
}

#[test]
fn facts_of_a_file() {
    let facts = read_file(
        "pub mod a;\nmod b;\npub use a::Thing;\npub(crate) use b::*;\nfn f() { crate::c::g(); }\n\
         #[cfg(test)]\nmod tests { use super::*; mod deep; }\n",
    );
    assert_eq!(facts.children, ["a", "b"]);
    assert!(facts.inline_children.contains("tests"));
    assert_eq!(facts.reexports["Thing"], ["a", "Thing"]);
    assert_eq!(facts.glob_reexports, [vec!["b".to_owned()]]);
    assert!(facts.items.contains("f"));
    assert_eq!(facts.nested_declarations, [("deep".to_owned(), 7)]);
    let inline: Vec<_> = facts
        .mentions
        .iter()
        .filter(|m| !m.inline.is_empty())
        .collect();
    assert_eq!(inline.len(), 1);
    assert_eq!(inline[0].segments, ["super"]);
}

/// A crate in a temporary directory: `files` are (path under src, text).
fn graph_of(name: &str, files: &[(&str, &str)]) -> Graph {
    let dir = std::env::temp_dir().join(format!("check_cycles_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let file = dir.join("src").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let graph = Graph::read(&dir.join("src").join(files[0].0), false).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    graph
}

fn circle_names(graph: &Graph) -> Vec<Vec<String>> {
    graph
        .circles()
        .iter()
        .map(|c| c.iter().map(|&m| graph.nodes[m].name.clone()).collect())
        .collect()
}

#[test]
fn a_circle_through_a_reexport_and_super_is_found() {
    let graph = graph_of(
        "circle",
        &[
            (
                "lib.rs",
                "mod state;\nmod feature;\npub use state::AppState;\npub fn r() { feature::pages::router(); }\n",
            ),
            (
                "state.rs",
                "pub struct AppState;\npub fn f() { crate::feature::pages::x(); }\n",
            ),
            ("feature/mod.rs", "pub mod pages;\n"),
            (
                "feature/pages.rs",
                "use crate::AppState;\npub fn router() {}\npub fn x() { super::super::state::f(); }\n#[cfg(test)]\nmod tests { use super::*; }\n",
            ),
        ],
    );
    assert!(graph.warnings.is_empty(), "{:?}", graph.warnings);
    assert_eq!(circle_names(&graph), [["state", "feature::pages"]]);
    let text = graph.describe(&graph.circles()[0]);
    assert!(text.contains("state uses feature::pages"), "{text}");
    assert!(text.contains("feature::pages uses state"), "{text}");
}

#[test]
fn an_exempt_root_closes_no_circle() {
    let files = [
        ("lib.rs", "mod a;\npub struct Services { x: a::Cache }\n"),
        ("a.rs", "pub struct Cache;\nfn f(_: &crate::Services) {}\n"),
    ];
    assert_eq!(circle_names(&graph_of("strict", &files)), [["crate", "a"]]);
    let dir = std::env::temp_dir().join(format!("check_cycles_exempt_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src").join(path), text).unwrap();
    }
    let exempt = Graph::read(&dir.join("src").join("lib.rs"), true).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(circle_names(&exempt).is_empty());
}

#[test]
fn a_tree_has_no_circle() {
    let graph = graph_of(
        "tree",
        &[
            (
                "lib.rs",
                "mod state;\nmod shared;\nmod feature;\npub use state::AppState;\nfn r() { feature::router(); }\n",
            ),
            ("state.rs", "pub struct AppState;\n"),
            (
                "shared.rs",
                "use crate::AppState;\npub fn helper() {}\n#[cfg(test)]\nmod tests { use super::helper; }\n",
            ),
            (
                "feature.rs",
                "use crate::{AppState, shared::helper};\npub fn router() { helper() }\n",
            ),
        ],
    );
    assert!(circle_names(&graph).is_empty());
    assert_eq!(
        graph.edges[&3].len(),
        2,
        "feature uses state (through the root) and shared"
    );
}
