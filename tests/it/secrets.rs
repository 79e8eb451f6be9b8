//! Secrets appear in no output and no file the tool writes, except the private rejects file;
//! report cells are safe to open in a spreadsheet program.

use crate::support::*;

/// Two letters that tell row `n`'s secrets apart from every other row's.
fn tag(n: usize) -> String {
    let letter = |i: usize| char::from(b'a' + u8::try_from(i % 26).unwrap());
    format!("{}{}", letter(n / 26), letter(n))
}

/// Secrets no other text of a run could contain by chance: long, and each different.
fn register(n: usize) -> String {
    format!("Rg7Pw4Kd{}Qx9Tz2Mv", tag(n))
}
fn login(n: usize) -> String {
    format!("Lg5Hn{}Vb8Rs", tag(n))
}
fn vmsecret(n: usize) -> String {
    format!("975310864{n:03}")
}

#[test]
fn no_secret_reaches_the_terminal_or_the_report_through_faults_retries_and_dry_runs() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--fail-rate", "0.3", "--token-max-uses", "40"])
        .args(&["--random-seed", "3"])
        .start();
    let mut secrets = vec![PASSWORD.to_string(), md5_hex(PASSWORD)];
    let mut csv = String::from(
        "number,username,registername,registerpassword,loginpassword,hasvoicemail,vmsecret\n",
    );
    for n in 0..40 {
        let number = 3000 + n;
        let (r, l, v) = (register(n), login(n), vmsecret(n));
        csv += &format!("{number},Secret {number},r{number},{r},{l},on,{v}\n");
        secrets.extend([r, l, v]);
    }
    // Rows whose secret breaks its rule: the problem is named, the value never shown.
    let invalid = [
        format!("Sh0rt{}Q", tag(90)),
        format!("Bad;Pw9{}Xy", tag(91)),
        format!("8642x{}97", tag(92)),
    ];
    csv += &format!("3090,Bad One,r3090,{},,on,\n", invalid[0]);
    csv += &format!("3091,Bad Two,r3091,{},{},on,\n", register(91), invalid[1]);
    csv += &format!("3092,Bad Three,r3092,{},,on,{}\n", register(92), invalid[2]);
    secrets.extend(invalid.iter().cloned());
    secrets.extend([register(91), register(92)]);

    let mut seen = String::new();
    let listed = Run::validate(Api::YeastarV2).file(&csv).rows_failed();
    assert!(
        listed.stderr.contains("registerpassword"),
        "{}",
        listed.stderr
    );
    seen += &listed.shown();
    seen += &Run::validate(Api::YeastarV2)
        .file(&csv)
        .with_report()
        .rows_failed()
        .shown();
    let imported = Run::import(&sim)
        .file(&csv)
        .args(&["--rate", "0", "--retries", "1"])
        .rows_failed();
    assert!(
        imported.rows.iter().any(|r| r["status"] == "failed"),
        "faults reached the report"
    );
    seen += &imported.shown();
    // The private rejects file keeps the rows as written: the same search finds them there.
    let rejects = std::fs::read_to_string(imported.beside("rejects.csv")).unwrap();
    for secret in &invalid {
        assert!(rejects.contains(secret.as_str()), "{secret} in {rejects}");
    }

    // A dry run that would change every secret of the extensions that landed says so without
    // showing one, old or new.
    let mut changed = String::from("number,registerpassword,loginpassword,vmsecret\n");
    let landed = imported.rows.iter().filter(|r| r["status"] == "ok");
    for n in landed.map(|r| r["number"].parse::<usize>().unwrap() - 3000) {
        let (r, l, v) = (
            format!("Nw3{}", register(n + 100)),
            format!("Nw8{}", login(n + 100)),
            vmsecret(n + 100),
        );
        changed += &format!("{},{r},{l},{v}\n", 3000 + n);
        secrets.extend([r, l, v]);
    }
    let dry = Run::import(&sim)
        .file(&changed)
        .args(&["--mode", "sync", "--dry-run"])
        .ok();
    let previews = dry.column("message").join("\n");
    assert!(
        previews.contains("registerpassword changes (secret, not shown)")
            && previews.contains("vmsecret changes (secret, not shown)"),
        "{previews}"
    );
    seen += &dry.shown();
    let exported = Run::export(&sim).ok();
    seen += &exported.stdout;
    seen += &exported.stderr;

    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| seen.contains(s.as_str()))
        .collect();
    assert!(leaked.is_empty(), "leaked: {leaked:?}");
}

#[test]
fn report_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised() {
    let ran = Run::validate(Api::Openvox)
        .file("number,username\n=1+2,x\n+15550100,y\n@SUM(A1),z\n")
        .with_report()
        .rows_failed();
    assert_eq!(ran.column("number"), ["'=1+2", "'+15550100", "'@SUM(A1)"]);
    // The rejects file keeps the rows exactly as written, for re-import.
    let rejects = std::fs::read_to_string(ran.beside("rejects.csv")).unwrap();
    assert!(rejects.contains("\n=1+2,x\n"), "{rejects}");
}
