//! Search progress: one card that grows as a search runs — searching → sources found →
//! results (source badge, title, snippet) one by one → done. Each stage is a full tree, so the
//! tool sends the first as `thread.item.added`, the next ones as `widget.root.updated`, and the
//! last as `thread.item.done`.

use crate::betting::{SearchResult, SearchResults};
use crate::protocol::widgets::{BadgeColor, Caption, Col, Divider, FlexWrap, Row, SmallSize};
use crate::protocol::{WidgetComponent, WidgetRoot};

use super::common::{
    badge, bold, caption, card_status, format_local_datetime, header, source_lines, text,
};

/// Where the search is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchStage {
    /// The query went out; nothing back yet.
    Searching,
    /// Results arrived; their sources are listed.
    SourcesFound,
    /// The first `n` results are shown.
    Showing(usize),
    /// Every result is shown.
    Done,
    /// The search failed; the message says why.
    Failed(String),
}

/// `espn.com` from `https://www.espn.com/nba/...`; the URL itself if it has no host.
pub(crate) fn source_name(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_owned())
        })
        .unwrap_or_else(|| url.to_owned())
}

fn result_block(result: &SearchResult) -> WidgetComponent {
    let mut meta = vec![badge(source_name(&result.url), BadgeColor::Secondary)];
    if let Some(at) = result.published {
        meta.push(caption(format_local_datetime(at)));
    }
    Col {
        key: Some(result.url.clone()),
        children: vec![
            Row {
                children: meta,
                gap: Some(2.into()),
                ..Default::default()
            }
            .into(),
            bold(&result.title),
            Caption {
                value: result.snippet.clone(),
                size: Some(SmallSize::Sm),
                max_lines: Some(3),
                ..Default::default()
            }
            .into(),
            caption(&result.url),
        ],
        gap: Some(1.into()),
        ..Default::default()
    }
    .into()
}

/// The search card at `stage`. `demo` marks the demo search provider before any result (which
/// carries its own provenance) is back.
pub fn search_progress(
    query: &str,
    news: bool,
    demo: bool,
    stage: &SearchStage,
    results: Option<&SearchResults>,
) -> WidgetRoot {
    let demo = demo || results.is_some_and(|r| r.provenance.demo);
    let found = results.map_or(0, |r| r.results.len());
    let shown = match stage {
        SearchStage::Showing(n) => (*n).min(found),
        SearchStage::Done => found,
        _ => 0,
    };
    let (status, icon, label, color) = match stage {
        SearchStage::Searching => (
            "Searching…".to_owned(),
            "search",
            "Searching",
            BadgeColor::Info,
        ),
        SearchStage::SourcesFound => (
            format!("Found {found} sources"),
            "globe",
            "Sources found",
            BadgeColor::Info,
        ),
        SearchStage::Showing(_) => (
            format!("Reading results ({shown}/{found})"),
            "globe",
            "Reading",
            BadgeColor::Info,
        ),
        SearchStage::Done => (
            format!("{found} results"),
            "check-circle",
            "Done",
            BadgeColor::Success,
        ),
        SearchStage::Failed(_) => (
            "Search failed".to_owned(),
            "circle-question",
            "Failed",
            BadgeColor::Danger,
        ),
    };
    let title = if news { "News search" } else { "Web search" };
    let mut children = vec![
        header(title, demo, vec![badge(label, color)]),
        caption(format!("“{query}”")),
    ];
    if let SearchStage::Failed(message) = stage {
        children.push(text(message.clone()));
    }
    if let Some(results) = results.filter(|_| !matches!(stage, SearchStage::Searching)) {
        let mut sources: Vec<String> = Vec::new();
        for r in &results.results {
            let name = source_name(&r.url);
            if !sources.contains(&name) {
                sources.push(name);
            }
        }
        if !sources.is_empty() {
            children.push(
                Row {
                    children: sources
                        .into_iter()
                        .map(|s| badge(s, BadgeColor::Secondary))
                        .collect(),
                    gap: Some(1.into()),
                    wrap: Some(FlexWrap::Wrap),
                    ..Default::default()
                }
                .into(),
            );
        }
        for (i, result) in results.results.iter().take(shown).enumerate() {
            if i == 0 {
                children.push(Divider::default().into());
            }
            children.push(result_block(result));
        }
        if *stage == SearchStage::Done {
            if found == 0 {
                children.push(text("No results."));
            }
            if let Some(answer) = &results.answer {
                children.push(Divider::default().into());
                children.push(text(answer.clone()));
            }
            children.extend(source_lines(
                &results.provenance.source,
                results.provenance.as_of,
                demo,
            ));
        }
    }
    crate::protocol::widgets::Card {
        children,
        status: card_status(status, icon),
        ..Default::default()
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::golden::{assert_golden, sample_search};

    #[test]
    fn golden_search_progress_stages() {
        let results = sample_search();
        let q = "weather in Denver";
        let searching = search_progress(q, false, true, &SearchStage::Searching, None);
        assert_golden("search_searching", &searching);
        let one = search_progress(q, false, true, &SearchStage::Showing(1), Some(&results));
        assert_golden("search_showing_1", &one);
        let done = search_progress(q, false, true, &SearchStage::Done, Some(&results));
        assert_golden("search_done", &done);
        let json = serde_json::to_string(&done).unwrap();
        assert!(json.contains("demo.invalid") && json.contains("DEMO DATA"));
        let failed = search_progress(
            q,
            true,
            false,
            &SearchStage::Failed("no search provider answered".into()),
            None,
        );
        failed.validate().unwrap();
    }

    #[test]
    fn source_names_drop_www() {
        assert_eq!(source_name("https://www.espn.com/nba/x"), "espn.com");
        assert_eq!(source_name("not a url"), "not a url");
    }
}
