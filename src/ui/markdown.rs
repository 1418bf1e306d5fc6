//! Model text as Markdown, built into views element by element: no HTML string is ever parsed
//! or injected. Raw HTML in the text shows as text, links open only for http(s) URLs, and
//! images show their description. Prices follow the page's odds format.

use super::element::element;
use super::prices::priced_text;
use leptos::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag};

/// What the renderer shows: a small tree of the Markdown constructs it supports.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Code(String),
    LineBreak,
    Block(Block, Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph,
    Heading,
    Quote,
    Preformatted,
    List {
        ordered: bool,
    },
    Item,
    Emphasis,
    Strong,
    Strikethrough,
    /// A link the page may follow (http or https only).
    Link(String),
    /// Anything else (tables, footnotes, unsafe links): its content, unwrapped.
    Plain,
}

fn block_for(tag: &Tag) -> Block {
    match tag {
        Tag::Paragraph => Block::Paragraph,
        Tag::Heading { .. } => Block::Heading,
        Tag::BlockQuote(_) => Block::Quote,
        Tag::CodeBlock(_) => Block::Preformatted,
        Tag::List(start) => Block::List {
            ordered: start.is_some(),
        },
        Tag::Item => Block::Item,
        Tag::Emphasis => Block::Emphasis,
        Tag::Strong => Block::Strong,
        Tag::Strikethrough => Block::Strikethrough,
        Tag::Link { dest_url, .. } => {
            let url = dest_url.to_string();
            if url.starts_with("https://") || url.starts_with("http://") {
                Block::Link(url)
            } else {
                Block::Plain
            }
        }
        _ => Block::Plain,
    }
}

/// Parses Markdown into the renderer's tree.
pub fn parse(markdown: &str) -> Vec<Node> {
    let mut stack: Vec<(Block, Vec<Node>)> = vec![(Block::Plain, Vec::new())];
    let push = |stack: &mut Vec<(Block, Vec<Node>)>, node: Node| {
        if let Some((_, children)) = stack.last_mut() {
            children.push(node);
        }
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(tag) => stack.push((block_for(&tag), Vec::new())),
            Event::End(_) if stack.len() > 1 => {
                let (block, children) = stack.pop().expect("more than the root");
                push(&mut stack, Node::Block(block, children));
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push(&mut stack, Node::Text(text.to_string()))
            }
            Event::Code(code) => push(&mut stack, Node::Code(code.to_string())),
            Event::SoftBreak => push(&mut stack, Node::Text(" ".into())),
            Event::HardBreak => push(&mut stack, Node::LineBreak),
            Event::Rule => push(&mut stack, Node::LineBreak),
            _ => {}
        }
    }
    // Unclosed tags cannot happen with pulldown-cmark, but never lose text if they did.
    while stack.len() > 1 {
        let (block, children) = stack.pop().expect("more than the root");
        push(&mut stack, Node::Block(block, children));
    }
    stack.pop().map(|(_, nodes)| nodes).unwrap_or_default()
}

fn nodes_view(nodes: Vec<Node>) -> AnyView {
    nodes.into_iter().map(node_view).collect_view().into_any()
}

fn node_view(node: Node) -> AnyView {
    match node {
        Node::Text(text) => priced_text(text),
        Node::Code(code) => element(
            "code",
            "rounded bg-slate-800 px-1 text-[0.9em]",
            code.into_any(),
        ),
        Node::LineBreak => view! { <br/> }.into_any(),
        Node::Block(Block::Link(href), children) => {
            let inner = nodes_view(children);
            view! {
                <a href=href target="_blank" rel="noopener noreferrer nofollow" class="text-emerald-300 underline">{inner}</a>
            }
            .into_any()
        }
        Node::Block(Block::Plain, children) => nodes_view(children),
        Node::Block(block, children) => {
            let (tag, class) = block.element();
            element(tag, class, nodes_view(children))
        }
    }
}

impl Block {
    /// The element and classes a block is drawn with (links and plain runs are not elements
    /// of their own kind).
    fn element(&self) -> (&'static str, &'static str) {
        match self {
            Block::Paragraph => ("p", "my-2"),
            Block::Heading => ("p", "my-2 font-semibold text-slate-50"),
            Block::Quote => (
                "blockquote",
                "my-2 border-l-2 border-slate-600 pl-3 text-slate-300",
            ),
            Block::Preformatted => (
                "pre",
                "my-2 overflow-x-auto rounded bg-slate-900 p-3 text-sm",
            ),
            Block::List { ordered: true } => ("ol", "my-2 list-decimal pl-6"),
            Block::List { ordered: false } => ("ul", "my-2 list-disc pl-6"),
            Block::Item => ("li", ""),
            Block::Emphasis => ("em", ""),
            Block::Strong => ("strong", "font-semibold text-slate-50"),
            Block::Strikethrough => ("s", ""),
            Block::Link(_) => ("a", ""),
            Block::Plain => ("span", ""),
        }
    }
}

/// Markdown rendered safely (see the module docs).
#[component]
pub fn MarkdownText(text: String) -> impl IntoView {
    nodes_view(parse(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Node {
        Node::Text(s.into())
    }

    #[test]
    fn emphasis_lists_and_links_become_elements() {
        let nodes = parse("- **Knicks ML** (-320)\n- _demo_ [odds](https://example.com/x)");
        let Node::Block(Block::List { ordered: false }, items) = &nodes[0] else {
            panic!("{nodes:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0],
            Node::Block(
                Block::Item,
                vec![
                    Node::Block(Block::Strong, vec![text("Knicks ML")]),
                    text(" (-320)")
                ]
            )
        );
        let Node::Block(Block::Item, second) = &items[1] else {
            panic!()
        };
        assert!(second.contains(&Node::Block(
            Block::Link("https://example.com/x".into()),
            vec![text("odds")]
        )));
    }

    #[test]
    fn html_and_unsafe_links_stay_text() {
        let nodes = parse("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b>hi</b>");
        let flat = format!("{nodes:?}");
        assert!(flat.contains("<script>alert(1)</script>"), "{flat}");
        assert!(!flat.contains("Link("), "{flat}");
        assert!(flat.contains("<b>"), "{flat}");
    }
}
