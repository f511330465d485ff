//! Tables for people, laid out by display width (a wide character or an
//! emoji takes two columns), with every cell escaped first: a control
//! character from a browser file can neither drive the terminal nor shift
//! a column.

use comfy_table::presets::NOTHING;
use comfy_table::{ContentArrangement, Table, TableComponent};
use tandem_text::for_terminal;

/// `headers` and `rows` as aligned columns two spaces apart, with no
/// trailing blanks.
pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut table = Table::new();
    table
        .load_preset(NOTHING)
        .remove_style(TableComponent::LeftBorder)
        .remove_style(TableComponent::RightBorder)
        .remove_style(TableComponent::HeaderLines)
        .remove_style(TableComponent::LeftHeaderIntersection)
        .remove_style(TableComponent::MiddleHeaderIntersections)
        .remove_style(TableComponent::RightHeaderIntersection)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headers.to_vec());
    for row in rows {
        table.add_row(
            row.iter()
                .map(|cell| for_terminal(cell).into_owned())
                .collect::<Vec<_>>(),
        );
    }
    for index in 0..headers.len() {
        if let Some(column) = table.column_mut(index) {
            column.set_padding((0, 1));
        }
    }
    table
        .lines()
        .map(|line| line.trim_end().to_owned())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn columns_line_up_by_display_width_and_cells_are_escaped() {
        let text = render(
            &["PROFILE", "ACCOUNT"],
            &[
                vec!["Wérk 💼 ñ".into(), "ada@contoso.com".into()],
                vec!["日本語".into(), "x".into()],
                vec!["evil\u{1b}[2J\nline".into(), "y".into()],
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        let column = |line: &str, cell: &str| line[..line.find(cell).unwrap()].width();
        let second = column(lines[0], "ACCOUNT");
        assert_eq!(column(lines[1], "ada@contoso.com"), second, "{text}");
        assert_eq!(column(lines[2], "x"), second, "{text}");
        assert!(lines[3].starts_with("evil\\u{1b}[2J\\u{a}line"), "{text}");
        assert!(lines.iter().all(|line| !line.ends_with(' ')));
        assert!(lines[0].starts_with("PROFILE"));
    }
}
