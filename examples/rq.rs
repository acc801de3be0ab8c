use jixiao::backend::{Backend, Fetch};
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let r = jixiao::remote::Remote::connect(&dir.join("server.sock")).unwrap().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026,12,1).unwrap();
    for _ in 0..2 {
        let t = std::time::Instant::now();
        let d = r.project_list().unwrap();
        eprintln!("project_list {} {:?}", d.len(), t.elapsed());
        let t = std::time::Instant::now();
        let d = r.summaries().unwrap();
        eprintln!("summaries {} {:?}", d.len(), t.elapsed());
        let t = std::time::Instant::now();
        let d = r.deadlines(today + chrono::Duration::days(30)).unwrap();
        eprintln!("deadlines {} {:?}", d.len(), t.elapsed());
        let t = std::time::Instant::now();
        let f = jixiao::domain::DeadlineFilter{within:Some(30),..Default::default()};
        let _ = jixiao::dashboard::build(&r, &f, today, None).unwrap();
        eprintln!("dashboard {:?}", t.elapsed());
    }
    let _ = r.today();
}
