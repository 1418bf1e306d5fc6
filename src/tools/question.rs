//! A user's question as the offline model reads it: lowercase words for cue lookups, numbers
//! next to nouns ("3 picks", "last 5"), amounts ("$25"), proper names and teams. Tools use it
//! to declare how the offline model recognises them (`OfflineSkill`); deterministic by
//! construction (no randomness, no clock).

use super::teams::{named_sport, sport_and_team};

/// A question read as lowercase words ("tonight's" → "tonight", "s"; "$25" → "25").
pub struct Question {
    /// The question as typed, trimmed.
    text: String,
    words: Vec<String>,
    /// The words joined by single spaces and padded, for phrase lookups.
    padded: String,
}

impl Question {
    pub fn new(text: &str) -> Self {
        let words: Vec<String> = text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let padded = format!(" {} ", words.join(" "));
        Question {
            text: text.trim().to_owned(),
            words,
            padded,
        }
    }

    /// The question as typed (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The sport asked about (named, or the team's, else NBA) and the team, if one is named.
    pub fn sport_and_team(&self) -> (&'static str, Option<String>) {
        sport_and_team(self)
    }

    /// The league the question names, if any (no default).
    pub fn named_sport(&self) -> Option<&'static str> {
        named_sport(self)
    }

    /// The stake named in the question ("$25", "12.50 dollars"), in cents.
    pub fn stake_cents(&self) -> Option<u64> {
        stake_cents(&self.text)
    }

    /// The first proper name in the question ("LeBron James").
    pub fn proper_name(&self) -> Option<String> {
        proper_name(&self.text)
    }

    /// Whether any of `phrases` (one or more words each) occurs.
    pub fn any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.has(p))
    }

    pub fn has(&self, phrase: &str) -> bool {
        self.padded
            .contains(&format!(" {} ", Question::new(phrase).words.join(" ")))
    }

    /// The number right before one of `nouns` ("3 picks", "five legs").
    pub fn number_before(&self, nouns: &[&str]) -> Option<u64> {
        self.words
            .windows(2)
            .find(|pair| nouns.contains(&pair[1].as_str()))
            .and_then(|pair| number(&pair[0]))
    }

    /// The number right after one of `words` ("last 5", "past ten").
    pub fn number_after(&self, words: &[&str]) -> Option<u64> {
        self.words
            .windows(2)
            .find(|pair| words.contains(&pair[0].as_str()))
            .and_then(|pair| number(&pair[1]))
    }
}

fn number(word: &str) -> Option<u64> {
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    word.parse()
        .ok()
        .or_else(|| WORDS.iter().position(|w| *w == word).map(|i| i as u64 + 1))
}

/// "$25", "$12.50", "25 dollars", "25 bucks" → cents.
fn stake_cents(text: &str) -> Option<u64> {
    let to_cents = |amount: &str| -> Option<u64> {
        let (whole, frac) = amount.split_once('.').unwrap_or((amount, ""));
        let whole: u64 = whole.replace(',', "").parse().ok()?;
        let frac: u64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<u64>().ok()? * 10,
            _ => frac[..2].parse().ok()?,
        };
        // A typed amount can be any length: too large is no amount, not an overflow.
        whole.checked_mul(100)?.checked_add(frac)
    };
    let amount_at = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
            .collect::<String>()
            .trim_end_matches(['.', ','])
            .to_owned()
    };
    if let Some(at) = text.find('$') {
        return to_cents(&amount_at(&text[at + 1..]));
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words
        .windows(2)
        .find(|pair| {
            matches!(
                pair[1].trim_end_matches(['.', ',', '?']),
                "dollars" | "bucks"
            )
        })
        .and_then(|pair| to_cents(&amount_at(pair[0])))
}

/// The first run of capitalised words that is not a sentence opener or a league ("LeBron James",
/// "Jokic"), without a trailing possessive.
fn proper_name(text: &str) -> Option<String> {
    #[rustfmt::skip]
    const SKIP: &[&str] = &[
        "Show", "Me", "How", "What", "What's", "Whats", "Is", "Are", "Has", "Have", "Did", "Does",
        "The", "Last", "Past", "Games", "Game", "Trend", "Trends", "Chart", "Graph", "Plot", "Give",
        "I", "NBA", "NFL", "MLB", "NHL", "EPL", "Over", "In", "For", "Points", "Tonight",
        "Tonight's", "Can", "You", "Please", "Make", "Any", "Who", "Who's", "Whos", "Injury",
        "Injuries", "News", "Report", "Latest", "Status",
    ];
    let mut run: Vec<&str> = Vec::new();
    for raw in text.split_whitespace() {
        let word =
            raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '.' && c != '-');
        let word = word.trim_end_matches('.');
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        if capitalised && !SKIP.contains(&word) {
            run.push(word);
            if raw.ends_with([',', '?', '!']) {
                break;
            }
        } else if !run.is_empty() {
            break;
        }
    }
    let name = run.join(" ");
    let name = name
        .strip_suffix("'s")
        .or_else(|| name.strip_suffix("’s"))
        .unwrap_or(&name);
    (!name.is_empty()).then(|| name.to_owned())
}
