//! Building a ProviderSet from configuration (no requests are made here).

use crate::providers::*;

fn tools(set: &ProviderSet) -> Vec<(ToolKind, Vec<String>, bool)> {
    set.describe()
        .into_iter()
        .map(|t| (t.tool, t.providers, t.demo))
        .collect()
}

#[test]
fn nothing_configured_means_demo_everywhere() {
    let set = ProviderSet::from_config(&ProvidersConfig::default()).expect("set");
    for (tool, providers, demo) in tools(&set) {
        assert!(demo, "{tool:?}");
        assert_eq!(providers, vec!["DEMO DATA"]);
    }
    assert!(set.is_demo(ToolKind::Odds));
}

#[test]
fn configured_tools_never_mix_in_demo_data() {
    let cfg = ProvidersConfig {
        odds_api_key: Some("odds-key".into()),
        espn_enabled: true,
        statmuse_base_url: Some("http://127.0.0.1:9".into()),
        ..ProvidersConfig::default()
    };
    let set = ProviderSet::from_config(&cfg).expect("set");
    let t = tools(&set);
    assert_eq!(
        t[0],
        (
            ToolKind::Odds,
            vec!["The Odds API".into(), "ESPN".into()],
            false
        )
    );
    assert_eq!(
        t[1],
        (
            ToolKind::Stats,
            vec!["StatMuse".into(), "ESPN".into()],
            false
        )
    );
    assert_eq!(t[2], (ToolKind::GameLogs, vec!["ESPN".into()], false));
    assert_eq!(
        t[3],
        (ToolKind::Search, vec!["DEMO DATA".into()], true),
        "only search is unconfigured"
    );
}

#[test]
fn search_order_is_configurable() {
    let cfg = ProvidersConfig {
        searxng_url: Some("http://127.0.0.1:9".into()),
        brave_api_key: Some("b".into()),
        tavily_api_key: Some("t".into()),
        search_order: vec!["tavily".parse().unwrap(), "searxng".parse().unwrap()],
        ..ProvidersConfig::default()
    };
    let set = ProviderSet::from_config(&cfg).expect("set");
    assert_eq!(tools(&set)[3].1, vec!["Tavily", "SearXNG"]);
    assert!("bing".parse::<SearchBackend>().is_err());
}

#[test]
fn debug_never_prints_keys_and_bad_urls_fail_fast() {
    let cfg = ProvidersConfig {
        odds_api_key: Some("odds-secret".into()),
        brave_api_key: Some("brave-secret".into()),
        tavily_api_key: Some("tvly-secret".into()),
        ..ProvidersConfig::default()
    };
    let shown = format!("{cfg:?}");
    assert!(!shown.contains("secret"), "{shown}");
    assert!(shown.contains("<set>"));

    let bad = ProvidersConfig {
        searxng_url: Some("not a url".into()),
        ..ProvidersConfig::default()
    };
    let err = ProviderSet::from_config(&bad).err().expect("invalid URL");
    assert!(
        matches!(
            err,
            ProviderError::Config {
                provider: "SearXNG",
                ..
            }
        ),
        "{err:?}"
    );
}
