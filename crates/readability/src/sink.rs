//! html5ever's tree builder writing straight into the arena [`Dom`]: one tree, no copy.
//!
//! It keeps the choices of the scraper tree this replaced, so that Readability sees the same
//! document: template contents sit in an [`Kind::Other`] node under the `<template>`, doctypes
//! and processing instructions are [`Kind::Other`], attributes keep only their local names, and
//! adjacent text is merged as the tree builder asks.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::HashSet;

use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, Namespace, QualName, local_name, ns};
use markup5ever::interface::ElemName;

use crate::dom::{DOCUMENT, Dom, Kind, NodeId};

/// The sink: the arena being built.
pub(crate) struct ArenaSink {
    dom: RefCell<Dom>,
    /// Attributes given to elements so far (the tree builder copies some again and again).
    attributes: Cell<usize>,
}

/// Attribute lists longer than this are searched through a set when attributes are added.
const LINEAR_SEARCH_LIMIT: usize = 16;

impl ArenaSink {
    /// A sink for a page of `input_len` bytes (used to size the arena).
    pub(crate) fn new(input_len: usize) -> ArenaSink {
        ArenaSink {
            dom: RefCell::new(Dom::with_capacity(input_len / 24 + 16)),
            attributes: Cell::new(0),
        }
    }

    /// Appends text to `parent`, merged into its last child when that is text.
    fn append_text(dom: &mut Dom, parent: NodeId, text: StrTendril) {
        if let Some(last) = dom.last_child(parent)
            && let Kind::Text(existing) = &mut dom.nodes[last].kind
        {
            existing.push_tendril(&text);
            return;
        }
        let node = dom.create(Kind::Text(text));
        dom.append(parent, node);
    }
}

/// The name of an element of the arena, as the tree builder asks for it.
pub(crate) struct ArenaElemName<'a> {
    dom: Ref<'a, Dom>,
    id: NodeId,
}

/// What a non-element answers if the tree builder ever asks (it promises not to).
static NO_NAMESPACE: Namespace = ns!();
static NO_NAME: LocalName = local_name!("");

impl ElemName for ArenaElemName<'_> {
    fn ns(&self) -> &Namespace {
        match &self.dom.nodes[self.id].kind {
            Kind::Element { ns, .. } => ns,
            _ => &NO_NAMESPACE,
        }
    }

    fn local_name(&self) -> &LocalName {
        match &self.dom.nodes[self.id].kind {
            Kind::Element { name, .. } => name,
            _ => &NO_NAME,
        }
    }
}

impl std::fmt::Debug for ArenaElemName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.expanded())
    }
}

impl html_tokenizer::BuildSize for ArenaSink {
    fn built(&self) -> usize {
        self.dom.borrow().nodes.len() + self.attributes.get()
    }
}

impl TreeSink for ArenaSink {
    type Handle = NodeId;
    type Output = Dom;
    type ElemName<'a> = ArenaElemName<'a>;

    fn finish(self) -> Dom {
        self.dom.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> NodeId {
        DOCUMENT
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> ArenaElemName<'a> {
        ArenaElemName {
            dom: self.dom.borrow(),
            id: *target,
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.attributes.set(self.attributes.get() + attrs.len());
        let mut dom = self.dom.borrow_mut();
        let element = dom.create(Kind::Element {
            name: name.local,
            ns: name.ns,
            attrs: attrs
                .into_iter()
                .map(|attribute| (attribute.name.local, attribute.value))
                .collect(),
        });
        if flags.template {
            // The template's contents: its first child, which the tree builder never moves.
            let contents = dom.create(Kind::Other);
            dom.append(element, contents);
        }
        element
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.dom.borrow_mut().create(Kind::Comment(text))
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> NodeId {
        self.dom.borrow_mut().create(Kind::Other)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        let mut dom = self.dom.borrow_mut();
        match child {
            NodeOrText::AppendNode(node) => dom.append(*parent, node),
            NodeOrText::AppendText(text) => Self::append_text(&mut dom, *parent, text),
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let has_parent = self.dom.borrow().parent(*element).is_some();
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        _name: StrTendril,
        _public_id: StrTendril,
        _system_id: StrTendril,
    ) {
        let mut dom = self.dom.borrow_mut();
        let doctype = dom.create(Kind::Other);
        dom.append(DOCUMENT, doctype);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        // A template always has contents; answering the element itself is a safe fallback.
        self.dom.borrow().first_child(*target).unwrap_or(*target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        let mut dom = self.dom.borrow_mut();
        if let NodeOrText::AppendNode(node) = new_node {
            dom.detach(node);
        }
        if dom.parent(*sibling).is_none() {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(node) => dom.insert_before(*sibling, node),
            NodeOrText::AppendText(text) => {
                if let Some(previous) = dom.previous_sibling(*sibling)
                    && let Kind::Text(existing) = &mut dom.nodes[previous].kind
                {
                    existing.push_tendril(&text);
                } else {
                    let node = dom.create(Kind::Text(text));
                    dom.insert_before(*sibling, node);
                }
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        let mut dom = self.dom.borrow_mut();
        self.attributes.set(self.attributes.get() + attrs.len());
        if let Kind::Element {
            attrs: existing, ..
        } = &mut dom.nodes[*target].kind
        {
            // A page can repeat `<body>` with thousands of attributes: no scan per attribute.
            let mut names: Option<HashSet<LocalName>> = (existing.len() > LINEAR_SEARCH_LIMIT)
                .then(|| existing.iter().map(|(name, _)| name.clone()).collect());
            for attribute in attrs {
                let name = attribute.name.local;
                let missing = match &mut names {
                    Some(names) => names.insert(name.clone()),
                    None => !existing.iter().any(|(existing, _)| *existing == name),
                };
                if missing {
                    existing.push((name, attribute.value));
                    if names.is_none() && existing.len() > LINEAR_SEARCH_LIMIT {
                        names = Some(existing.iter().map(|(name, _)| name.clone()).collect());
                    }
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.dom.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let mut dom = self.dom.borrow_mut();
        for child in dom.children(*node).collect::<Vec<_>>() {
            dom.append(*new_parent, child);
        }
    }
}
