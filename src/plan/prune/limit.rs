//! `--max-delete N|P%`: how many deletes a prune may do, as a count or as a share of the
//! PBX's directory (Okta holds back an import that would deactivate more than 20% of its
//! users). A share is kept in hundredths of a percent, so `2.5%` is exact and the limit is
//! worked out in whole numbers, rounded up as the default 10% always was: a small directory
//! still allows one delete.

use std::fmt;

/// The most deletes a prune may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MaxDelete {
    Count(usize),
    /// Hundredths of a percent of the extensions on the PBX (`1000` is 10%).
    Share(u32),
}

impl MaxDelete {
    /// The limit when none is given: 10% of the directory.
    pub(crate) const DEFAULT: MaxDelete = MaxDelete::Share(1000);

    /// `25` → 25 deletes; `1%`, `2.5%` → that share of the directory.
    pub(crate) fn parse(text: &str) -> Result<MaxDelete, String> {
        let text = text.trim();
        let Some(share) = text.strip_suffix('%') else {
            return text.parse::<usize>().map(MaxDelete::Count).map_err(|_| {
                format!("{text:?} is neither a number of deletes (25) nor a share (1%, 2.5%)")
            });
        };
        let bad = || format!("{text:?}: a share is 0% to 100%, with at most two decimals");
        let (whole, frac) = share.trim().split_once('.').unwrap_or((share.trim(), ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
            return Err(bad());
        }
        let whole: u32 = whole.parse().map_err(|_| bad())?;
        let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        match whole.checked_mul(100).map(|w| w + frac) {
            Some(hundredths) if hundredths <= 10_000 => Ok(MaxDelete::Share(hundredths)),
            _ => Err(bad()),
        }
    }

    /// The most deletes allowed on a PBX holding `directory` extensions.
    pub(crate) fn limit(self, directory: usize) -> usize {
        match self {
            MaxDelete::Count(n) => n,
            MaxDelete::Share(hundredths) => {
                (directory.saturating_mul(hundredths as usize)).div_ceil(10_000)
            }
        }
    }
}

impl fmt::Display for MaxDelete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MaxDelete::Count(n) => write!(f, "{n}"),
            MaxDelete::Share(h) if h % 100 == 0 => write!(f, "{}%", h / 100),
            MaxDelete::Share(h) => {
                let text = format!("{}.{:02}", h / 100, h % 100);
                write!(f, "{}%", text.trim_end_matches('0'))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_or_a_share_of_the_directory_rounded_up() {
        assert_eq!(MaxDelete::parse("25"), Ok(MaxDelete::Count(25)));
        assert_eq!(MaxDelete::parse("1%"), Ok(MaxDelete::Share(100)));
        assert_eq!(MaxDelete::parse(" 2.5% "), Ok(MaxDelete::Share(250)));
        assert_eq!(MaxDelete::parse("100%"), Ok(MaxDelete::Share(10_000)));
        assert_eq!(MaxDelete::parse("1%").unwrap().limit(150), 2);
        assert_eq!(MaxDelete::parse("1%").unwrap().limit(100), 1);
        assert_eq!(MaxDelete::parse("20%").unwrap().limit(20_000), 4_000);
        assert_eq!(MaxDelete::parse("0.01%").unwrap().limit(3), 1);
        assert_eq!(MaxDelete::parse("0%").unwrap().limit(1_000), 0);
        assert_eq!(MaxDelete::DEFAULT.limit(20), 2);
        assert_eq!(MaxDelete::DEFAULT.limit(3), 1);
        for shown in ["25", "1%", "2.5%", "0.05%", "100%"] {
            assert_eq!(MaxDelete::parse(shown).unwrap().to_string(), shown);
        }
    }

    #[test]
    fn anything_else_is_refused_with_both_forms_named() {
        for bad in [
            "", "-1", "ten", "101%", "1.234%", "%", ".5%", "1,5%", "5 %x",
        ] {
            let e = MaxDelete::parse(bad).unwrap_err();
            assert!(e.contains('%'), "{bad}: {e}");
        }
    }
}
