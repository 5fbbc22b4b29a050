//! A small mutable DOM (an arena of nodes) with the operations Readability needs, in the
//! semantics of the browser DOM (`textContent`, `children`, `getElementsByTagName`,
//! `innerHTML` serialisation).

/// Index of a node in the arena.
pub(crate) type NodeId = usize;

/// What a node is.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Document,
    Element {
        /// Lowercase local name.
        name: String,
        /// Whether the element is in the HTML namespace (tag tests only match those).
        html: bool,
        attrs: Vec<(String, String)>,
    },
    Text(String),
    Comment(String),
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
}

/// The arena.
pub(crate) struct Dom {
    pub nodes: Vec<Node>,
    /// Bumped by every change of the tree's shape; cached text summaries of older generations
    /// are stale.
    generation: u64,
    /// Per node: the generation a summary was computed in (0: none) and the summary.
    text_cache: std::cell::RefCell<Vec<(u64, TextSummary)>>,
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
        if text.is_ascii() {
            for &b in text.as_bytes() {
                step(matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '), 1);
            }
        } else {
            for c in text.chars() {
                step(crate::js_space(c), c.len_utf16());
            }
        }
        summary.trail_space = summary.has_text && in_space;
        summary
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
    /// Parses a document with html5ever (through scraper), as a browser with scripting on would.
    pub fn parse(html: &str) -> Dom {
        let parsed = scraper::Html::parse_document(html);
        let mut dom = Dom {
            nodes: Vec::new(),
            generation: 1,
            text_cache: std::cell::RefCell::new(Vec::new()),
        };
        let root = parsed.tree.root();
        dom.nodes.push(Node {
            kind: Kind::Document,
            parent: None,
            children: Vec::new(),
        });
        // Iterative copy: (scraper node, our parent).
        let mut stack: Vec<(ego_tree::NodeRef<'_, scraper::Node>, NodeId)> = root
            .children()
            .rev()
            .map(|child| (child, DOCUMENT))
            .collect();
        while let Some((source, parent)) = stack.pop() {
            let kind = match source.value() {
                scraper::Node::Element(element) => Kind::Element {
                    name: element.name().to_ascii_lowercase(),
                    html: &*element.name.ns == "http://www.w3.org/1999/xhtml",
                    attrs: element
                        .attrs()
                        .map(|(k, v)| (k.to_owned(), v.to_owned()))
                        .collect(),
                },
                scraper::Node::Text(text) => Kind::Text(text.text.to_string()),
                scraper::Node::Comment(comment) => Kind::Comment(comment.comment.to_string()),
                _ => Kind::Other,
            };
            let id = dom.create(kind);
            dom.append(parent, id);
            for child in source.children().collect::<Vec<_>>().into_iter().rev() {
                stack.push((child, id));
            }
        }
        dom
    }

    pub fn create(&mut self, kind: Kind) -> NodeId {
        self.nodes.push(Node {
            kind,
            parent: None,
            children: Vec::new(),
        });
        self.nodes.len() - 1
    }

    pub fn create_element(&mut self, name: &str) -> NodeId {
        self.create(Kind::Element {
            name: name.to_owned(),
            html: true,
            attrs: Vec::new(),
        })
    }

    /// The deepest nesting below the document (iterative: no recursion on deep trees).
    pub fn max_depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(DOCUMENT, 0usize)];
        while let Some((id, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            stack.extend(
                self.nodes[id]
                    .children
                    .iter()
                    .map(|&child| (child, depth + 1)),
            );
        }
        deepest
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id].parent
    }

    pub fn children(&self, id: NodeId) -> &[NodeId] {
        &self.nodes[id].children
    }

    /// The element children (`children`).
    pub fn element_children(&self, id: NodeId) -> Vec<NodeId> {
        self.nodes[id]
            .children
            .iter()
            .copied()
            .filter(|&c| self.is_element(c))
            .collect()
    }

    pub fn is_element(&self, id: NodeId) -> bool {
        matches!(self.nodes[id].kind, Kind::Element { .. })
    }

    pub fn is_text(&self, id: NodeId) -> bool {
        matches!(self.nodes[id].kind, Kind::Text(_))
    }

    /// The lowercase tag name of an HTML element, `None` for other nodes.
    pub fn tag(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].kind {
            Kind::Element {
                name, html: true, ..
            } => Some(name),
            _ => None,
        }
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
            Kind::Element { attrs, .. } => attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }

    pub fn attrs(&self, id: NodeId) -> &[(String, String)] {
        match &self.nodes[id].kind {
            Kind::Element { attrs, .. } => attrs,
            _ => &[],
        }
    }

    pub fn set_attr(&mut self, id: NodeId, key: &str, value: &str) {
        if let Kind::Element { attrs, .. } = &mut self.nodes[id].kind {
            match attrs.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value.to_owned(),
                None => attrs.push((key.to_owned(), value.to_owned())),
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
        if let Kind::Element { name, html, .. } = &mut self.nodes[id].kind {
            *name = tag.to_owned();
            *html = true;
        }
    }

    pub fn detach(&mut self, id: NodeId) {
        self.generation += 1;
        if let Some(parent) = self.nodes[id].parent.take() {
            self.nodes[parent].children.retain(|&c| c != id);
        }
    }

    pub fn append(&mut self, parent: NodeId, child: NodeId) {
        self.detach(child);
        self.generation += 1;
        self.nodes[child].parent = Some(parent);
        self.nodes[parent].children.push(child);
    }

    /// Puts `new` where `old` is; `old` is detached.
    pub fn replace(&mut self, old: NodeId, new: NodeId) {
        if old == new {
            return;
        }
        self.detach(new);
        self.generation += 1;
        if let Some(parent) = self.nodes[old].parent.take() {
            if let Some(slot) = self.nodes[parent].children.iter_mut().find(|c| **c == old) {
                *slot = new;
            }
            self.nodes[new].parent = Some(parent);
        }
    }

    fn sibling(&self, id: NodeId, offset: isize, elements_only: bool) -> Option<NodeId> {
        let parent = self.nodes[id].parent?;
        let siblings = &self.nodes[parent].children;
        let at = siblings.iter().position(|&c| c == id)?;
        let mut i = at as isize + offset;
        while i >= 0 && (i as usize) < siblings.len() {
            let candidate = siblings[i as usize];
            if !elements_only || self.is_element(candidate) {
                return Some(candidate);
            }
            i += offset;
        }
        None
    }

    pub fn next_sibling(&self, id: NodeId) -> Option<NodeId> {
        self.sibling(id, 1, false)
    }

    pub fn next_element_sibling(&self, id: NodeId) -> Option<NodeId> {
        self.sibling(id, 1, true)
    }

    pub fn first_element_child(&self, id: NodeId) -> Option<NodeId> {
        self.nodes[id]
            .children
            .iter()
            .copied()
            .find(|&c| self.is_element(c))
    }

    /// The descendants of `id` (not `id` itself) in document order, walked lazily.
    pub fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut stack: Vec<NodeId> = self.nodes[id].children.iter().rev().copied().collect();
        std::iter::from_fn(move || {
            let node = stack.pop()?;
            stack.extend(self.nodes[node].children.iter().rev().copied());
            Some(node)
        })
    }

    /// `getElementsByTagName` / `querySelectorAll` for HTML tag names (a snapshot).
    pub fn elements_by_tags(&self, id: NodeId, tags: &[&str]) -> Vec<NodeId> {
        self.descendants(id)
            .filter(|&n| self.tag(n).is_some_and(|t| tags.contains(&t)))
            .collect()
    }

    pub fn count_tag(&self, id: NodeId, tag: &str) -> usize {
        self.descendants(id)
            .filter(|&n| self.tag(n) == Some(tag))
            .count()
    }

    /// `textContent` (comments excluded).
    pub fn text_content(&self, id: NodeId) -> String {
        let mut out = String::new();
        if let Kind::Text(text) = &self.nodes[id].kind {
            return text.clone();
        }
        let mut stack: Vec<NodeId> = self.nodes[id].children.iter().rev().copied().collect();
        while let Some(node) = stack.pop() {
            match &self.nodes[node].kind {
                Kind::Text(text) => out.push_str(text),
                Kind::Element { .. } | Kind::Document => {
                    stack.extend(self.nodes[node].children.iter().rev().copied())
                }
                _ => {}
            }
        }
        out
    }

    /// Calls `visit` on every text node of `id`'s subtree, in document order.
    fn for_each_text(&self, id: NodeId, mut visit: impl FnMut(&str)) {
        let mut stack = vec![id];
        while let Some(node) = stack.pop() {
            match &self.nodes[node].kind {
                Kind::Text(text) => visit(text),
                Kind::Element { .. } | Kind::Document => {
                    stack.extend(self.nodes[node].children.iter().rev().copied())
                }
                _ => {}
            }
        }
    }

    /// The JavaScript length of Readability's `_getInnerText(id)` (trimmed, whitespace runs of
    /// two or more made one space), computed without building the string: every interior
    /// whitespace run counts one unit, whatever its length.
    pub fn normalized_len(&self, id: NodeId) -> usize {
        self.text_summary(id).len
    }

    /// The text summary of a subtree, cached until the tree changes shape: Readability asks
    /// for the text length of nested elements over and over, and each answer reuses those of
    /// the children.
    fn text_summary(&self, id: NodeId) -> TextSummary {
        if let Some(&(generation, summary)) = self.text_cache.borrow().get(id)
            && generation == self.generation
        {
            return summary;
        }
        let summary = match &self.nodes[id].kind {
            Kind::Text(text) => TextSummary::of_text(text),
            Kind::Element { .. } | Kind::Document => self.nodes[id]
                .children
                .iter()
                .fold(TextSummary::default(), |acc, &child| {
                    acc.then(self.text_summary(child))
                }),
            _ => TextSummary::default(),
        };
        let mut cache = self.text_cache.borrow_mut();
        if cache.len() < self.nodes.len() {
            cache.resize(self.nodes.len(), (0, TextSummary::default()));
        }
        cache[id] = (self.generation, summary);
        summary
    }

    /// Commas in `textContent`.
    pub fn comma_count(&self, id: NodeId) -> usize {
        let mut count = 0;
        self.for_each_text(id, |text| count += text.matches(',').count());
        count
    }

    /// Whether `textContent` holds anything but JavaScript whitespace (stops at the first).
    pub fn has_visible_text(&self, id: NodeId) -> bool {
        let mut found = false;
        self.for_each_text(id, |text| {
            found = found || text.chars().any(|c| !crate::js_space(c))
        });
        found
    }

    /// A deep copy of `id`'s children, appended to `target`.
    pub fn clone_children_into(&mut self, source: NodeId, target: NodeId) {
        let mut stack: Vec<(NodeId, NodeId)> = self.nodes[source]
            .children
            .iter()
            .rev()
            .map(|&c| (c, target))
            .collect();
        while let Some((node, parent)) = stack.pop() {
            let copy = self.create(self.nodes[node].kind.clone());
            self.append(parent, copy);
            for &child in self.nodes[node].children.clone().iter().rev() {
                stack.push((child, copy));
            }
        }
    }

    /// Removes every child of `id`.
    pub fn clear_children(&mut self, id: NodeId) {
        self.generation += 1;
        for child in std::mem::take(&mut self.nodes[id].children) {
            self.nodes[child].parent = None;
        }
    }

    /// `innerHTML`, as the HTML fragment serialisation algorithm (and jsdom 16) writes it.
    pub fn inner_html(&self, id: NodeId) -> String {
        let mut out = String::new();
        enum Step {
            Open(NodeId),
            Close(String),
        }
        let mut stack: Vec<Step> = self.nodes[id]
            .children
            .iter()
            .rev()
            .map(|&c| Step::Open(c))
            .collect();
        while let Some(step) = stack.pop() {
            let node = match step {
                Step::Close(name) => {
                    out.push_str("</");
                    out.push_str(&name);
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
                    out.push_str(name);
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
                    if matches!(name.as_str(), "pre" | "textarea" | "listing")
                        && self.nodes[node].children.first().is_some_and(|&c| matches!(&self.nodes[c].kind, Kind::Text(t) if t.starts_with('\n')))
                    {
                        out.push('\n');
                    }
                    stack.push(Step::Close(name.clone()));
                    stack.extend(
                        self.nodes[node]
                            .children
                            .iter()
                            .rev()
                            .map(|&c| Step::Open(c)),
                    );
                }
                _ => {}
            }
        }
        out
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
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
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
    fn cached_lengths_follow_changes_to_the_tree() {
        let mut dom =
            Dom::parse("<html><body><div id=a>one <b>two</b></div> <p>three</p></body></html>");
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
