//! A small mutable DOM (an arena of nodes) with the operations Readability needs, in the
//! semantics of the browser DOM (`textContent`, `children`, `getElementsByTagName`,
//! `innerHTML` serialisation).

use std::num::NonZeroU32;

use html5ever::tendril::StrTendril;
use html5ever::{LocalName, Namespace, local_name, ns};

/// Index of a node in the arena.
pub(crate) type NodeId = usize;

/// What a node is.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Document,
    Element {
        /// Local name as the parser made it (lowercase for HTML; SVG and MathML names keep
        /// their camel case, which serialisation lowers).
        name: LocalName,
        /// Namespace (tag tests only match HTML elements).
        ns: Namespace,
        /// Attributes by local name, in source order.
        attrs: Vec<(LocalName, StrTendril)>,
    },
    /// Text, usually a shared slice of the parsed page (no copy).
    Text(StrTendril),
    Comment(StrTendril),
    Other,
}

/// A node and its links: children are a doubly linked list, so that taking a node out of a
/// parent with many children, or putting one in, costs the same as anywhere else.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub parent: Option<NodeId>,
    first_child: Link,
    last_child: Link,
    previous_sibling: Link,
    next_sibling: Link,
}

/// A link to a node, in four bytes instead of sixteen (nodes are many, and walked often).
type Link = Option<NonZeroU32>;

/// The link to `id` (stored as `id + 1`). Arenas stay far below `u32::MAX` nodes: pages are
/// at most [`crate::MAX_PAGE_BYTES`] long, the parser builds at most about two nodes per byte
/// and Readability copies the tree a few times.
fn link(id: Option<NodeId>) -> Link {
    id.and_then(|id| u32::try_from(id + 1).ok())
        .and_then(NonZeroU32::new)
}

/// The node a link points to.
fn linked(link: Link) -> Option<NodeId> {
    link.map(|stored| stored.get() as usize - 1)
}

impl Node {
    fn new(kind: Kind) -> Node {
        Node {
            kind,
            parent: None,
            first_child: None,
            last_child: None,
            previous_sibling: None,
            next_sibling: None,
        }
    }
}

/// The children of a node, in order (or in reverse with `.rev()`).
#[derive(Clone)]
pub(crate) struct Children<'a> {
    nodes: &'a [Node],
    front: Option<NodeId>,
    back: Option<NodeId>,
}

impl Iterator for Children<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        let id = self.front?;
        if self.front == self.back {
            (self.front, self.back) = (None, None);
        } else {
            self.front = linked(self.nodes[id].next_sibling);
        }
        Some(id)
    }
}

impl DoubleEndedIterator for Children<'_> {
    fn next_back(&mut self) -> Option<NodeId> {
        let id = self.back?;
        if self.front == self.back {
            (self.front, self.back) = (None, None);
        } else {
            self.back = linked(self.nodes[id].previous_sibling);
        }
        Some(id)
    }
}

/// The arena.
pub(crate) struct Dom {
    pub nodes: Vec<Node>,
    /// Per node, its text summary once computed. A change of the tree's shape forgets the
    /// summaries of the changed node and its ancestors only. Invariant: a node with a summary
    /// has summaries for all its descendants, so forgetting can stop at the first ancestor
    /// that has none.
    text_cache: std::cell::RefCell<Vec<Option<SubtreeSummary>>>,
}

/// What Readability keeps asking of a subtree, cached per node.
#[derive(Debug, Clone, Copy, Default)]
struct SubtreeSummary {
    text: TextSummary,
    /// The sum of the normalised text lengths of the `<a>` elements strictly inside.
    link_len: usize,
    /// Commas in the text.
    commas: usize,
}

/// What the normalised text length of a subtree needs to be combined with its neighbours'
/// (Readability's `_getInnerText`: trimmed, every whitespace run inside counted as one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TextSummary {
    /// Length in UTF-16 units, interior whitespace runs counted as one, ends trimmed.
    len: usize,
    /// Whether there is any non-whitespace character.
    has_text: bool,
    /// Whitespace before the first non-whitespace character.
    lead_space: bool,
    /// Whitespace after the last non-whitespace character.
    trail_space: bool,
    /// Any whitespace at all (for summaries without text).
    any_space: bool,
}

impl TextSummary {
    fn of_text(text: &str) -> TextSummary {
        if text.is_ascii() {
            TextSummary::of_ascii(text.as_bytes())
        } else {
            TextSummary::of_chars(text)
        }
    }

    /// [`TextSummary::of_text`], one character at a time.
    fn of_chars(text: &str) -> TextSummary {
        let mut summary = TextSummary::default();
        let mut in_space = false;
        let mut step = |space: bool, units: usize| {
            if space {
                in_space = true;
                summary.any_space = true;
                if !summary.has_text {
                    summary.lead_space = true;
                }
            } else {
                if in_space && summary.has_text {
                    summary.len += 1;
                }
                in_space = false;
                summary.has_text = true;
                summary.len += units;
            }
        };
        for c in text.chars() {
            step(crate::js_space(c), c.len_utf16());
        }
        summary.trail_space = summary.has_text && in_space;
        summary
    }

    /// [`TextSummary::of_text`] for ASCII, branch-free: the length is the non-space bytes
    /// plus one per whitespace run, less the runs at either end.
    fn of_ascii(bytes: &[u8]) -> TextSummary {
        let is_space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
        let (mut non_space, mut runs, mut prev_space) = (0usize, 0usize, false);
        for &b in bytes {
            let space = is_space(b);
            non_space += usize::from(!space);
            runs += usize::from(space && !prev_space);
            prev_space = space;
        }
        let has_text = non_space > 0;
        let lead_space = bytes.first().is_some_and(|&b| is_space(b));
        let trail_space = has_text && prev_space;
        TextSummary {
            len: if has_text {
                non_space + runs - usize::from(lead_space) - usize::from(trail_space)
            } else {
                0
            },
            has_text,
            lead_space,
            trail_space,
            any_space: runs > 0,
        }
    }

    /// The summary of `self` followed by `next`.
    fn then(self, next: TextSummary) -> TextSummary {
        match (self.has_text, next.has_text) {
            (false, _) => TextSummary {
                lead_space: next.lead_space || (next.has_text && self.any_space),
                any_space: self.any_space || next.any_space,
                ..next
            },
            (true, false) => TextSummary {
                trail_space: self.trail_space || next.any_space,
                any_space: self.any_space || next.any_space,
                ..self
            },
            (true, true) => TextSummary {
                len: self.len + next.len + usize::from(self.trail_space || next.lead_space),
                has_text: true,
                lead_space: self.lead_space,
                trail_space: next.trail_space,
                any_space: true,
            },
        }
    }
}

pub(crate) const DOCUMENT: NodeId = 0;

impl Dom {
    /// Parses a document as a browser with scripting on would: the `html-tokenizer` crate's
    /// tokens through html5ever's tree builder (the same tree as html5ever's own parser),
    /// stopped as soon as a limit is passed.
    pub fn parse(
        html: &str,
        limits: &html_tokenizer::Limits,
    ) -> Result<Dom, html_tokenizer::LimitExceeded> {
        html_tokenizer::parse_document_within(crate::sink::ArenaSink::new(html.len()), html, limits)
    }

    /// An empty document with room for about `nodes` nodes.
    pub fn with_capacity(nodes: usize) -> Dom {
        let mut dom = Dom {
            nodes: Vec::with_capacity(nodes),
            text_cache: std::cell::RefCell::new(Vec::new()),
        };
        dom.nodes.push(Node::new(Kind::Document));
        dom
    }

    pub fn create(&mut self, kind: Kind) -> NodeId {
        self.nodes.push(Node::new(kind));
        self.nodes.len() - 1
    }

    pub fn create_element(&mut self, name: &str) -> NodeId {
        self.create(Kind::Element {
            name: LocalName::from(name),
            ns: ns!(html),
            attrs: Vec::new(),
        })
    }

    /// The deepest nesting below the document (iterative: no recursion on deep trees).
    pub fn max_depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(DOCUMENT, 0usize)];
        while let Some((id, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            stack.extend(self.children(id).map(|child| (child, depth + 1)));
        }
        deepest
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id].parent
    }

    /// The child nodes (`childNodes`), walked lazily.
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children {
            nodes: &self.nodes,
            front: linked(self.nodes[id].first_child),
            back: linked(self.nodes[id].last_child),
        }
    }

    pub fn first_child(&self, id: NodeId) -> Option<NodeId> {
        linked(self.nodes[id].first_child)
    }

    pub fn last_child(&self, id: NodeId) -> Option<NodeId> {
        linked(self.nodes[id].last_child)
    }

    /// The element children (`children`).
    pub fn element_children(&self, id: NodeId) -> Vec<NodeId> {
        self.children(id).filter(|&c| self.is_element(c)).collect()
    }

    pub fn is_element(&self, id: NodeId) -> bool {
        matches!(self.nodes[id].kind, Kind::Element { .. })
    }

    pub fn is_text(&self, id: NodeId) -> bool {
        matches!(self.nodes[id].kind, Kind::Text(_))
    }

    /// The lowercase tag name of an HTML element, `None` for other nodes.
    pub fn tag(&self, id: NodeId) -> Option<&str> {
        self.html_name(id).map(|name| &**name)
    }

    /// Whether `id` is an HTML element named `name` (lowercase).
    pub fn is(&self, id: NodeId, name: &str) -> bool {
        self.tag(id) == Some(name)
    }

    /// Whether `id` is an element of any namespace with this local name.
    pub fn local_name(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].kind {
            Kind::Element { name, .. } => Some(name),
            _ => None,
        }
    }

    pub fn attr(&self, id: NodeId, key: &str) -> Option<&str> {
        match &self.nodes[id].kind {
            Kind::Element { attrs, .. } => {
                attrs.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
            }
            _ => None,
        }
    }

    pub fn attrs(&self, id: NodeId) -> &[(LocalName, StrTendril)] {
        match &self.nodes[id].kind {
            Kind::Element { attrs, .. } => attrs,
            _ => &[],
        }
    }

    pub fn set_attr(&mut self, id: NodeId, key: &str, value: &str) {
        if let Kind::Element { attrs, .. } = &mut self.nodes[id].kind {
            match attrs.iter_mut().find(|(k, _)| &**k == key) {
                Some(slot) => slot.1 = StrTendril::from_slice(value),
                None => attrs.push((LocalName::from(key), StrTendril::from_slice(value))),
            }
        }
    }

    /// `className`.
    pub fn class_name(&self, id: NodeId) -> &str {
        self.attr(id, "class").unwrap_or("")
    }

    /// `id`.
    pub fn id_attr(&self, id: NodeId) -> &str {
        self.attr(id, "id").unwrap_or("")
    }

    /// Renames an element in place (Readability's `_setNodeTag`; attributes are kept).
    pub fn rename(&mut self, id: NodeId, tag: &str) {
        if let Kind::Element { name, ns, .. } = &mut self.nodes[id].kind {
            *name = LocalName::from(tag);
            *ns = ns!(html);
        }
        // An element that becomes or stops being an `<a>` changes its ancestors' link lengths.
        self.forget_summaries(id);
    }

    /// Forgets the cached text summaries of `id` and its ancestors.
    fn forget_summaries(&mut self, id: NodeId) {
        let cache = self.text_cache.get_mut();
        let mut node = Some(id);
        while let Some(current) = node {
            match cache.get_mut(current) {
                Some(slot @ Some(_)) => *slot = None,
                _ => break,
            }
            node = self.nodes[current].parent;
        }
    }

    /// Takes `id` out of its parent, if it has one.
    pub fn detach(&mut self, id: NodeId) {
        let Some(parent) = self.nodes[id].parent.take() else {
            return;
        };
        self.forget_summaries(parent);
        let previous = linked(self.nodes[id].previous_sibling.take());
        let next = linked(self.nodes[id].next_sibling.take());
        match previous {
            Some(previous) => self.nodes[previous].next_sibling = link(next),
            None => self.nodes[parent].first_child = link(next),
        }
        match next {
            Some(next) => self.nodes[next].previous_sibling = link(previous),
            None => self.nodes[parent].last_child = link(previous),
        }
    }

    /// Puts `new` (detached first) right before `sibling`, which must have a parent.
    pub fn insert_before(&mut self, sibling: NodeId, new: NodeId) {
        self.detach(new);
        let Some(parent) = self.nodes[sibling].parent else {
            return;
        };
        self.forget_summaries(parent);
        let previous = linked(self.nodes[sibling].previous_sibling);
        match previous {
            Some(previous) => self.nodes[previous].next_sibling = link(Some(new)),
            None => self.nodes[parent].first_child = link(Some(new)),
        }
        self.nodes[sibling].previous_sibling = link(Some(new));
        let node = &mut self.nodes[new];
        node.parent = Some(parent);
        node.previous_sibling = link(previous);
        node.next_sibling = link(Some(sibling));
    }

    pub fn append(&mut self, parent: NodeId, child: NodeId) {
        self.detach(child);
        self.forget_summaries(parent);
        let previous = linked(self.nodes[parent].last_child);
        match previous {
            Some(previous) => self.nodes[previous].next_sibling = link(Some(child)),
            None => self.nodes[parent].first_child = link(Some(child)),
        }
        self.nodes[parent].last_child = link(Some(child));
        let node = &mut self.nodes[child];
        node.parent = Some(parent);
        node.previous_sibling = link(previous);
        node.next_sibling = link(None);
    }

    /// Puts `new` where `old` is; `old` is detached.
    pub fn replace(&mut self, old: NodeId, new: NodeId) {
        if old == new {
            return;
        }
        self.detach(new);
        if self.nodes[old].parent.is_none() {
            return;
        }
        self.insert_before(old, new);
        self.detach(old);
    }

    /// The nearest sibling of `id` after it (`forward`) or before it, among the elements
    /// only if `elements_only`.
    fn sibling(&self, id: NodeId, forward: bool, elements_only: bool) -> Option<NodeId> {
        self.nodes[id].parent?;
        let step = |node: NodeId| {
            if forward {
                linked(self.nodes[node].next_sibling)
            } else {
                linked(self.nodes[node].previous_sibling)
            }
        };
        let mut candidate = step(id);
        while let Some(node) = candidate {
            if !elements_only || self.is_element(node) {
                return Some(node);
            }
            candidate = step(node);
        }
        None
    }

    pub fn previous_sibling(&self, id: NodeId) -> Option<NodeId> {
        self.sibling(id, false, false)
    }

    pub fn next_sibling(&self, id: NodeId) -> Option<NodeId> {
        self.sibling(id, true, false)
    }

    pub fn next_element_sibling(&self, id: NodeId) -> Option<NodeId> {
        self.sibling(id, true, true)
    }

    pub fn first_element_child(&self, id: NodeId) -> Option<NodeId> {
        self.children(id).find(|&c| self.is_element(c))
    }

    /// The descendants of `id` (not `id` itself) in document order, walked lazily.
    pub fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut stack: Vec<NodeId> = self.children(id).rev().collect();
        std::iter::from_fn(move || {
            let node = stack.pop()?;
            stack.extend(self.children(node).rev());
            Some(node)
        })
    }

    /// `getElementsByTagName` / `querySelectorAll` for HTML tag names (a snapshot). The names
    /// are atoms (`local_name!("p")`): comparing them is comparing two integers.
    pub fn elements_by_tags(&self, id: NodeId, tags: &[LocalName]) -> Vec<NodeId> {
        let mut found = Vec::new();
        self.for_each_descendant(id, &mut |node| {
            if self.html_name(node).is_some_and(|name| tags.contains(name)) {
                found.push(node);
            }
        });
        found
    }

    pub fn count_tag(&self, id: NodeId, tag: &LocalName) -> usize {
        let mut count = 0;
        self.for_each_descendant(id, &mut |node| {
            if self.html_name(node) == Some(tag) {
                count += 1;
            }
        });
        count
    }

    /// The local name of an HTML element, as an atom.
    fn html_name(&self, id: NodeId) -> Option<&LocalName> {
        match &self.nodes[id].kind {
            Kind::Element { name, ns, .. } if *ns == ns!(html) => Some(name),
            _ => None,
        }
    }

    /// Calls `visit` on the descendants of `id` in document order. Recursive: the reader only
    /// walks trees no deeper than [`crate::MAX_DEPTH`].
    fn for_each_descendant(&self, id: NodeId, visit: &mut impl FnMut(NodeId)) {
        for child in self.children(id) {
            visit(child);
            if linked(self.nodes[child].first_child).is_some() {
                self.for_each_descendant(child, visit);
            }
        }
    }

    /// `textContent` (comments excluded).
    pub fn text_content(&self, id: NodeId) -> String {
        let mut out = String::new();
        if let Kind::Text(text) = &self.nodes[id].kind {
            return text.to_string();
        }
        let mut stack: Vec<NodeId> = self.children(id).rev().collect();
        while let Some(node) = stack.pop() {
            match &self.nodes[node].kind {
                Kind::Text(text) => out.push_str(text),
                Kind::Element { .. } | Kind::Document => stack.extend(self.children(node).rev()),
                _ => {}
            }
        }
        out
    }

    /// The JavaScript length of Readability's `_getInnerText(id)` (trimmed, whitespace runs of
    /// two or more made one space), computed without building the string: every interior
    /// whitespace run counts one unit, whatever its length.
    pub fn normalized_len(&self, id: NodeId) -> usize {
        self.summary(id).text.len
    }

    /// The sum of [`Dom::normalized_len`] over the `<a>` elements inside `id` (not `id`
    /// itself), as Readability's link density adds them up.
    pub fn link_text_len(&self, id: NodeId) -> usize {
        self.summary(id).link_len
    }

    /// The summary of a subtree, cached until the subtree changes: Readability asks for the
    /// text and link lengths of nested elements over and over, and each answer reuses those of
    /// the children.
    fn summary(&self, id: NodeId) -> SubtreeSummary {
        if let Some(&Some(summary)) = self.text_cache.borrow().get(id) {
            return summary;
        }
        let summary = match &self.nodes[id].kind {
            Kind::Text(text) => SubtreeSummary {
                text: TextSummary::of_text(text),
                link_len: 0,
                commas: count_byte(b',', text.as_bytes()),
            },
            Kind::Element { .. } | Kind::Document => {
                let mut text = TextSummary::default();
                let mut link_len = 0;
                let mut commas = 0;
                for child in self.children(id) {
                    let inner = self.summary(child);
                    text = text.then(inner.text);
                    link_len += inner.link_len;
                    commas += inner.commas;
                    if self.html_name(child) == Some(&local_name!("a")) {
                        link_len += inner.text.len;
                    }
                }
                SubtreeSummary {
                    text,
                    link_len,
                    commas,
                }
            }
            _ => SubtreeSummary::default(),
        };
        let mut cache = self.text_cache.borrow_mut();
        if cache.len() < self.nodes.len() {
            cache.resize(self.nodes.capacity(), None);
        }
        cache[id] = Some(summary);
        summary
    }

    /// Commas in `textContent`.
    pub fn comma_count(&self, id: NodeId) -> usize {
        self.summary(id).commas
    }

    /// Whether `textContent` holds anything but JavaScript whitespace: the cached summary
    /// when there is one, else a scan that stops at the first visible character.
    pub fn has_visible_text(&self, id: NodeId) -> bool {
        if let Some(Some(summary)) = self.text_cache.borrow().get(id) {
            return summary.text.has_text;
        }
        let mut stack = vec![id];
        while let Some(node) = stack.pop() {
            match &self.nodes[node].kind {
                Kind::Text(text) if text.chars().any(|c| !crate::js_space(c)) => return true,
                Kind::Element { .. } | Kind::Document => stack.extend(self.children(node).rev()),
                _ => {}
            }
        }
        false
    }

    /// A deep copy of `id`'s children, appended to `target`.
    pub fn clone_children_into(&mut self, source: NodeId, target: NodeId) {
        self.forget_summaries(target);
        // One allocation for the whole copy.
        let size = self.descendants(source).count();
        self.nodes.reserve(size);
        let mut stack: Vec<(NodeId, NodeId)> =
            self.children(source).rev().map(|c| (c, target)).collect();
        while let Some((node, parent)) = stack.pop() {
            let copy = self.create(self.nodes[node].kind.clone());
            let mut child = linked(self.nodes[node].last_child);
            while let Some(original) = child {
                stack.push((original, copy));
                child = linked(self.nodes[original].previous_sibling);
            }
            self.append(parent, copy);
        }
    }

    /// Removes every child of `id`.
    pub fn clear_children(&mut self, id: NodeId) {
        self.forget_summaries(id);
        let mut child = linked(self.nodes[id].first_child.take());
        self.nodes[id].last_child = link(None);
        while let Some(current) = child {
            let node = &mut self.nodes[current];
            node.parent = None;
            node.previous_sibling = link(None);
            child = linked(node.next_sibling.take());
        }
    }

    /// `innerHTML`, as the HTML fragment serialisation algorithm (and jsdom 16) writes it.
    pub fn inner_html(&self, id: NodeId) -> String {
        let mut out = String::new();
        enum Step {
            Open(NodeId),
            Close(LocalName),
        }
        let mut stack: Vec<Step> = self.children(id).rev().map(Step::Open).collect();
        while let Some(step) = stack.pop() {
            let node = match step {
                Step::Close(name) => {
                    out.push_str("</");
                    push_lowercase(&mut out, &name);
                    out.push('>');
                    continue;
                }
                Step::Open(node) => node,
            };
            match &self.nodes[node].kind {
                Kind::Text(text) => {
                    let raw = self.nodes[node]
                        .parent
                        .and_then(|p| self.local_name(p))
                        .is_some_and(|p| {
                            matches!(
                                p,
                                "style"
                                    | "script"
                                    | "xmp"
                                    | "iframe"
                                    | "noembed"
                                    | "noframes"
                                    | "plaintext"
                                    | "noscript"
                            )
                        });
                    if raw {
                        out.push_str(text);
                    } else {
                        escape_text(&mut out, text);
                    }
                }
                Kind::Comment(text) => {
                    out.push_str("<!--");
                    out.push_str(text);
                    out.push_str("-->");
                }
                Kind::Element { name, attrs, .. } => {
                    out.push('<');
                    push_lowercase(&mut out, name);
                    for (key, value) in attrs {
                        out.push(' ');
                        out.push_str(key);
                        out.push_str("=\"");
                        escape_attr(&mut out, value);
                        out.push('"');
                    }
                    out.push('>');
                    if is_void(name) {
                        continue;
                    }
                    if matches!(&**name, "pre" | "textarea" | "listing")
                        && linked(self.nodes[node].first_child).is_some_and(
                            |c| matches!(&self.nodes[c].kind, Kind::Text(t) if t.starts_with('\n')),
                        )
                    {
                        out.push('\n');
                    }
                    stack.push(Step::Close(name.clone()));
                    stack.extend(self.children(node).rev().map(Step::Open));
                }
                _ => {}
            }
        }
        out
    }
}

/// How many times `byte` occurs in `haystack`.
fn count_byte(byte: u8, haystack: &[u8]) -> usize {
    haystack.iter().filter(|&&b| b == byte).count()
}

/// Element names are serialised in lowercase (as the DOM this port was checked against does).
fn push_lowercase(out: &mut String, name: &str) {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        out.push_str(&name.to_ascii_lowercase());
    } else {
        out.push_str(name);
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

fn escape_text(out: &mut String, text: &str) {
    escape(out, text, &TEXT_STOPS);
}

fn escape_attr(out: &mut String, text: &str) {
    escape(out, text, &ATTRIBUTE_STOPS);
}

/// The bytes where text serialisation stops to write an entity.
const TEXT_STOPS: [bool; 256] = stops(b"&<>");
/// The bytes where attribute serialisation stops to write an entity.
const ATTRIBUTE_STOPS: [bool; 256] = stops(b"&\"");

/// A byte table of `special` plus 0xC2, the first byte of U+00A0 (C2 A0 in UTF-8).
const fn stops(special: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    table[0xc2] = true;
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
}

/// Writes `text` with the entities of the ASCII bytes `stops` marks, and `&nbsp;` for U+00A0,
/// copying the runs between them whole.
fn escape(out: &mut String, text: &str, stops: &[bool; 256]) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| stops[usize::from(b)]) {
        at += found;
        let b = bytes[at];
        let nbsp = b == 0xc2 && bytes.get(at + 1) == Some(&0xa0);
        if b == 0xc2 && !nbsp {
            at += 1;
            continue;
        }
        out.push_str(&text[run_start..at]);
        out.push_str(match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&nbsp;",
        });
        at += if nbsp { 2 } else { 1 };
        run_start = at;
    }
    out.push_str(&text[run_start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_summaries_compose_like_the_text_they_summarise() {
        let pieces = [
            "",
            " ",
            "  ",
            "a",
            " a",
            "a ",
            " a b ",
            "\u{a0}é\u{2003}x",
            "\n\tword  word\r\n",
            "𝒳",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let whole = TextSummary::of_text(&format!("{a}{b}{c}"));
                    let composed = TextSummary::of_text(a)
                        .then(TextSummary::of_text(b))
                        .then(TextSummary::of_text(c));
                    assert_eq!(composed.len, whole.len, "{a:?} {b:?} {c:?}");
                    assert_eq!(composed.has_text, whole.has_text, "{a:?} {b:?} {c:?}");
                }
            }
        }
        assert_eq!(TextSummary::of_text("  a   b  ").len, 3);
        assert_eq!(
            TextSummary::of_text("𝒳").len,
            2,
            "UTF-16 units, as JavaScript counts"
        );
    }

    #[test]
    fn serialisation_escapes_what_jsdom_escapes() {
        let mut text = String::new();
        escape_text(&mut text, "a<b>&c\u{a0}d \u{a9}\"x\"");
        assert_eq!(text, "a&lt;b&gt;&amp;c&nbsp;d \u{a9}\"x\"");
        let mut attr = String::new();
        escape_attr(&mut attr, "<\"&\u{a0}\u{a9}\u{a0}");
        assert_eq!(attr, "<&quot;&amp;&nbsp;\u{a9}&nbsp;");
    }

    #[test]
    fn the_ascii_fast_path_agrees_with_the_character_walk() {
        let pieces = [
            "",
            " ",
            "\t\n",
            "a",
            "ab c",
            "  a  b  ",
            "\x0bx\x0c",
            "a\r\n\r\nb ",
        ];
        for a in pieces {
            for b in pieces {
                let text = format!("{a}{b}");
                assert_eq!(
                    TextSummary::of_ascii(text.as_bytes()),
                    TextSummary::of_chars(&text),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn sibling_positions_stay_right_through_edits() {
        let mut dom = Dom::with_capacity(64);
        let parent = dom.create_element("div");
        dom.append(DOCUMENT, parent);
        let mut pool: Vec<NodeId> = (0..40)
            .map(|i| dom.create_element(if i % 3 == 0 { "p" } else { "span" }))
            .collect();
        for &node in &pool {
            dom.append(parent, node);
        }
        // A fixed pseudo-random sequence of removals, insertions and replacements.
        let mut state = 0x2545_f491_u64;
        for step in 0..400 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let pick = pool[(state % pool.len() as u64) as usize];
            let other = pool[((state >> 20) % pool.len() as u64) as usize];
            match step % 4 {
                0 => dom.detach(pick),
                1 if dom.parent(other).is_some() => dom.insert_before(other, pick),
                2 if dom.parent(other).is_some() => dom.replace(other, pick),
                _ => dom.append(parent, pick),
            }
            if step % 50 == 0 {
                let fresh = dom.create_element("b");
                dom.append(parent, fresh);
                pool.push(fresh);
            }
            let children: Vec<NodeId> = dom.children(parent).collect();
            let mut backwards: Vec<NodeId> = dom.children(parent).rev().collect();
            backwards.reverse();
            assert_eq!(children, backwards);
            for (at, &child) in children.iter().enumerate() {
                assert_eq!(dom.parent(child), Some(parent));
                assert_eq!(dom.next_sibling(child), children.get(at + 1).copied());
                let previous = at.checked_sub(1).map(|before| children[before]);
                assert_eq!(dom.previous_sibling(child), previous);
                let next_element = children[at + 1..]
                    .iter()
                    .copied()
                    .find(|&c| dom.is_element(c));
                assert_eq!(dom.next_element_sibling(child), next_element);
            }
            for &node in &pool {
                if dom.parent(node).is_none() {
                    assert!(!children.contains(&node));
                }
            }
        }
    }

    #[test]
    fn cached_lengths_follow_changes_to_the_tree() {
        let mut dom = Dom::parse(
            "<html><body><div id=a>one <b>two</b></div> <p>three</p></body></html>",
            &crate::parse_limits(100, None),
        )
        .expect("a small page");
        let body = dom
            .descendants(DOCUMENT)
            .find(|&n| dom.tag(n) == Some("body"))
            .expect("body");
        assert_eq!(dom.normalized_len(body), "one two three".len());
        let paragraph = dom
            .descendants(body)
            .find(|&n| dom.tag(n) == Some("p"))
            .expect("p");
        dom.detach(paragraph);
        assert_eq!(dom.normalized_len(body), "one two".len());
        let div = dom
            .descendants(body)
            .find(|&n| dom.tag(n) == Some("div"))
            .expect("div");
        // Appended right after <b>two</b>: no whitespace between them any more.
        dom.append(div, paragraph);
        assert_eq!(dom.normalized_len(body), "one twothree".len());
        dom.clear_children(div);
        assert_eq!(dom.normalized_len(body), 0);
    }
}
