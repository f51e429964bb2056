//! Highlights as the API sends them: the text HTML-escaped, matching words in `<mark>…</mark>`.
//! Engines mark matches with two control characters (PostgreSQL's `search_headline`) or with
//! tags asked of Algolia; neither can come from a product's text, so the escaping is safe.

/// Start and end of a match, as written by the `search_headline` SQL function.
pub const START: char = '\u{1}';
pub const STOP: char = '\u{2}';

/// The tags Algolia is asked to put around matches (turned into [`START`]/[`STOP`]).
pub const ALGOLIA_PRE_TAG: &str = "__ocpizza_mark__";
pub const ALGOLIA_POST_TAG: &str = "__/ocpizza_mark__";

/// Escapes the text and turns the markers into `<mark>`; `None` when nothing is marked. Nested
/// markers (a word matched by two configurations) make one mark.
pub fn to_html(marked: &str) -> Option<String> {
    if !marked.contains(START) {
        return None;
    }
    let mut html = String::with_capacity(marked.len() + 16);
    let mut depth = 0u32;
    for c in marked.chars() {
        match c {
            START => {
                if depth == 0 {
                    html.push_str("<mark>");
                }
                depth += 1;
            }
            STOP => {
                if depth == 1 {
                    html.push_str("</mark>");
                }
                depth = depth.saturating_sub(1);
            }
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
    if depth > 0 {
        html.push_str("</mark>");
    }
    Some(html)
}

/// An Algolia highlight value, with our tags, as [`to_html`] reads it.
pub fn from_algolia(value: &str) -> String {
    value
        .replace(ALGOLIA_PRE_TAG, &START.to_string())
        .replace(ALGOLIA_POST_TAG, &STOP.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_escaped_and_matches_are_marked_once() {
        let marked = "\u{1}\u{1}Quatre\u{2}\u{2} <b>\u{1}fromages\u{2}</b> & l'\u{1}œuf\u{2}";
        assert_eq!(
            to_html(marked).unwrap(),
            "<mark>Quatre</mark> &lt;b&gt;<mark>fromages</mark>&lt;/b&gt; &amp; l&#39;<mark>œuf</mark>"
        );
    }

    #[test]
    fn a_text_without_match_is_not_a_highlight() {
        assert_eq!(to_html("Sauce tomate <maison>"), None);
    }

    #[test]
    fn algolia_tags_become_marks() {
        let value = format!("{ALGOLIA_PRE_TAG}Reine{ALGOLIA_POST_TAG} <3");
        assert_eq!(
            to_html(&from_algolia(&value)).unwrap(),
            "<mark>Reine</mark> &lt;3"
        );
    }
}
