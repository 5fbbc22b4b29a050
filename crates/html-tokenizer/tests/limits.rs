//! `parse_document_within`: the parse stops as soon as a limit is passed, having built no more
//! than about the limit, and under the limits it builds the tree `parse_document` builds.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Instant;

use html_tokenizer::{BuildSize, LimitExceeded, Limits, parse_document_within};
use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, ExpandedName, QualName};
use markup5ever::interface::ElemName;

/// A sink that keeps only element names and parents, and counts what it creates; the count is
/// shared so that it can be read after a refused parse dropped the sink.
#[derive(Default)]
struct CountingSink {
    names: RefCell<Vec<Option<QualName>>>,
    parents: RefCell<Vec<Option<usize>>>,
    created: Rc<Cell<usize>>,
}

impl CountingSink {
    fn add(&self, name: Option<QualName>) -> usize {
        self.created.set(self.created.get() + 1);
        self.names.borrow_mut().push(name);
        self.parents.borrow_mut().push(None);
        self.names.borrow().len()
    }
}

struct Name(QualName);

impl ElemName for Name {
    fn ns(&self) -> &html5ever::Namespace {
        &self.0.ns
    }

    fn local_name(&self) -> &html5ever::LocalName {
        &self.0.local
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name: ExpandedName = self.expanded();
        write!(f, "{name:?}")
    }
}

impl BuildSize for CountingSink {
    fn built(&self) -> usize {
        self.created.get()
    }
}

/// Per node, its name (`None` for comments and processing instructions) and its parent.
type Tree = (Vec<Option<QualName>>, Vec<Option<usize>>);

/// Handles are 1-based indices; 0 is the document.
impl TreeSink for CountingSink {
    type Handle = usize;
    type Output = Tree;
    type ElemName<'a> = Name;

    fn finish(self) -> Tree {
        (self.names.into_inner(), self.parents.into_inner())
    }
    fn parse_error(&self, _msg: Cow<'static, str>) {}
    fn get_document(&self) -> usize {
        0
    }
    fn elem_name<'a>(&'a self, target: &'a usize) -> Name {
        let names = self.names.borrow();
        Name(
            target
                .checked_sub(1)
                .and_then(|at| names[at].clone())
                .unwrap_or_else(|| {
                    QualName::new(None, html5ever::ns!(), html5ever::local_name!(""))
                }),
        )
    }
    fn create_element(&self, name: QualName, _: Vec<Attribute>, _: ElementFlags) -> usize {
        self.add(Some(name))
    }
    fn create_comment(&self, _text: StrTendril) -> usize {
        self.add(None)
    }
    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.add(None)
    }
    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        if let NodeOrText::AppendNode(child) = child {
            self.parents.borrow_mut()[child - 1] = Some(*parent);
        }
    }
    fn append_based_on_parent_node(&self, element: &usize, prev: &usize, child: NodeOrText<usize>) {
        let has_parent = self.parents.borrow()[element - 1].is_some();
        self.append(if has_parent { element } else { prev }, child);
    }
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
    fn get_template_contents(&self, target: &usize) -> usize {
        *target
    }
    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }
    fn set_quirks_mode(&self, _mode: QuirksMode) {}
    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        let parent = self.parents.borrow()[sibling - 1];
        if let (Some(parent), NodeOrText::AppendNode(node)) = (parent, new_node) {
            self.parents.borrow_mut()[node - 1] = Some(parent);
        }
    }
    fn add_attrs_if_missing(&self, _target: &usize, _attrs: Vec<Attribute>) {}
    fn remove_from_parent(&self, target: &usize) {
        self.parents.borrow_mut()[target - 1] = None;
    }
    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        for parent in self.parents.borrow_mut().iter_mut() {
            if *parent == Some(*node) {
                *parent = Some(*new_parent);
            }
        }
    }
}

const LIMITS: Limits = Limits {
    max_open_elements: 1024,
    max_built: 100_000,
    max_formatting_attributes: 64,
    deadline: None,
};

/// Parses `input` within `limits`; returns the outcome and how many nodes were created.
fn parse(input: &str, limits: &Limits) -> (Result<Tree, LimitExceeded>, usize) {
    let sink = CountingSink::default();
    let created = Rc::clone(&sink.created);
    let outcome = parse_document_within(sink, input, limits);
    (outcome, created.get())
}

#[test]
fn deep_nesting_stops_the_parse_just_past_the_limit() {
    for unit in [
        "<div>",
        "<span>",
        "<b>",
        "<table><tr><td>",
        "<ul><li>",
        "<svg>",
        "<template>",
    ] {
        let (outcome, created) = parse(&unit.repeat(80_000), &LIMITS);
        assert!(
            matches!(outcome, Err(LimitExceeded::TooManyOpen { open, limit: 1024 }) if open <= 1024 + 8),
            "{unit}: {outcome:?}"
        );
        // Each level is at most three elements (plus the implied <tbody>): the refusal came
        // while parsing, not after building 80,000 levels.
        assert!(created <= 4 * 1024 + 16, "{unit}: {created} nodes created");
    }
}

#[test]
fn unclosed_formatting_elements_count_on_the_stack_and_the_list() {
    // Each distinct <b> is on the stack and on the list: refused at half the depth.
    let page: String = (0..2_000).map(|i| format!("<b id={i}>")).collect();
    let (outcome, created) = parse(&page, &LIMITS);
    assert!(
        matches!(outcome, Err(LimitExceeded::TooManyOpen { .. })),
        "{outcome:?}"
    );
    assert!(created <= 1024 / 2 + 8, "{created} nodes created");
}

#[test]
fn reopening_formatting_elements_again_and_again_stops_at_the_build_limit() {
    let open: String = (0..400).map(|i| format!("<b id={i}>")).collect();
    let page = format!("<div>{open}</div>{}", "<div>x</div>".repeat(10_000));
    let (outcome, created) = parse(&page, &LIMITS);
    assert!(
        matches!(outcome, Err(LimitExceeded::TooMuchBuilt { .. })),
        "{outcome:?}"
    );
    // One token can reopen the 400: the overshoot is at most that.
    assert!(created <= LIMITS.max_built + 410, "{created} nodes created");
}

#[test]
fn a_formatting_element_with_too_many_attributes_is_refused() {
    let attributes: String = (0..65).map(|i| format!(" a{i}")).collect();
    let (outcome, _) = parse(&format!("<p><b{attributes}>x</b>"), &LIMITS);
    assert!(
        matches!(&outcome, Err(LimitExceeded::TooManyAttributes { tag, count: 65, limit: 64 }) if tag == "b"),
        "{outcome:?}"
    );
    // Other elements may carry any number.
    let (outcome, _) = parse(&format!("<p><div{attributes}>x</div>"), &LIMITS);
    assert!(outcome.is_ok(), "{outcome:?}");
}

#[test]
fn a_passed_deadline_stops_the_parse() {
    let limits = Limits {
        deadline: Some(Instant::now()),
        ..LIMITS
    };
    let (outcome, _) = parse(&"<p>x</p>".repeat(1_000), &limits);
    assert_eq!(outcome, Err(LimitExceeded::OutOfTime));
}

#[test]
fn under_the_limits_the_tree_is_the_unbounded_one() {
    let page = format!(
        "<table><tr><td>{}</td></tr></table><p><font>x<p>y{}",
        "<b><i>x</b></i>".repeat(200),
        "<div>".repeat(900)
    );
    let (outcome, _) = parse(&page, &LIMITS);
    let unbounded = html_tokenizer::parse_document(CountingSink::default(), &page);
    assert!(unbounded.0.len() > 1_000);
    assert_eq!(outcome, Ok(unbounded));
}
