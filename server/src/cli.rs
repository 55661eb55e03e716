//! The operator's commands. `server` alone serves the app.

use std::process::ExitCode;

use anyhow::Context;
use app::audit::service::Actor;
use app::time::{Clock, SystemClock};
use app::users::NewUser;
use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};
use sea_orm::EntityTrait;

use crate::config::Settings;
use crate::startup::Application;

#[derive(Parser)]
#[command(name = "server", about = "防返贫监测帮扶系统：服务器与运维命令", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default).
    Serve {
        /// Load the demo county first when the database has no users (for trying the system out).
        #[arg(long)]
        demo_if_empty: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Load a deterministic demo county: townships, villages, households, and a user for every role.
    DemoData {
        #[arg(long, default_value_t = 6000)]
        households: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Org units.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// The working-day calendar (the State Council's holiday notices).
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Cross-check draws (交叉检查抽样).
    Sample {
        #[command(subcommand)]
        command: SampleCommand,
    },
}

#[derive(Subcommand)]
enum SampleCommand {
    /// Recompute a draw from its stored frame and seed; exits 0 only when the lists are identical, and names
    /// what differs otherwise.
    Verify { draw_id: i64 },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Load (or replace) a year's notice from a text file in the format of app/src/calendar/data/2026.txt.
    Load { file: std::path::PathBuf },
    /// List the years the calendar has, and where each comes from.
    List,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the keyed hash chain, compare it with the signed checkpoints, and name the first broken record.
    Verify,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user with one role; prints a generated one-time password.
    Create {
        #[arg(long)]
        username: String,
        /// A role code: admin, county_office, township_leader, township_staff, discipline, village_secretary,
        /// village_cadre, resident_cadre, info_officer, monitoring_contact, department, cross_checker.
        #[arg(long)]
        role: String,
        /// The area code of the unit the role is bound to.
        #[arg(long)]
        org: String,
        /// The person's name as shown in the app (default: the username).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// For department users: the department.
        #[arg(long)]
        department: Option<String>,
    },
    /// List users with their roles.
    List,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an org unit (the county first, without --parent).
    Create {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        parent: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("配置错误：{e:#}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&settings.log_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve { demo_if_empty: false }), settings)) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("失败：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(level: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(level).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
    crate::startup::log_panics();
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    // One moment per command, from the one clock.
    let now = SystemClock.now();
    match command {
        Command::Serve { demo_if_empty } => serve(settings, demo_if_empty).await,
        Command::Migrate => {
            open(&settings, now).await?;
            println!("数据库已是最新结构：{}", crate::database::redact(&settings.database_url));
            Ok(ExitCode::SUCCESS)
        }
        Command::DemoData { households, seed } => {
            let db = open(&settings, now).await?;
            let options = crate::demo::DemoOptions { households, seed };
            let logins_file = crate::demo::accounts::logins_path(&settings);
            crate::demo::load(&db, &options, now, Some(&logins_file), &mut std::io::stdout()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { command: AuditCommand::Verify } => {
            crate::audit::verify_command(&settings, &mut std::io::stdout()).await
        }
        Command::User { command } => user_command(&settings, now, command).await,
        Command::Calendar { command } => calendar_command(&settings, now, command).await,
        Command::Org { command } => org_command(&settings, now, command).await,
        Command::Sample { command: SampleCommand::Verify { draw_id } } => {
            let db = open(&settings, now).await?;
            let outcome =
                app::crosscheck::service::draw::verify(&db, draw_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            if outcome.identical {
                println!("抽样 {draw_id}：按记录的抽样框和种子重新计算，抽中名单与记录完全一致。");
                Ok(ExitCode::SUCCESS)
            } else {
                for difference in &outcome.differences {
                    println!("{difference}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

/// `server user …`: create an account with a one-time password, or list the accounts.
async fn user_command(settings: &Settings, now: DateTime<Utc>, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Create { username, role, org, name, email, department } => {
            let db = open(settings, now).await?;
            let password = app::users::service::one_time_password();
            let hash = app::auth::service::hash_password(password.clone()).await?;
            let input = NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                role,
                org_code: org,
                department,
                phone: None,
                email,
            };
            let tx = app::db::begin_write(&db).await?;
            let user = app::users::service::insert_user(&tx, &Actor::operator(), now, &input, hash)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            tx.commit().await?;
            println!("已创建用户 {}。一次性密码（只显示这一次，首次登录后须修改）：", user.username);
            println!("{password}");
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::List => {
            let db = open(settings, now).await?;
            for user in app::users::service::list_all(&db).await.map_err(|e| anyhow::anyhow!("{e}"))? {
                let roles: Vec<String> =
                    user.roles.iter().map(|r| format!("{}@{}", r.grant.role.as_str(), r.grant.org_code)).collect();
                println!(
                    "{:<24} {:<10} {:<6} {}",
                    user.username,
                    user.display_name,
                    if user.active { "正常" } else { "已停用" },
                    roles.join(", ")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `server calendar …`: load a year's holiday notice, or list the loaded ones.
async fn calendar_command(
    settings: &Settings,
    now: DateTime<Utc>,
    command: CalendarCommand,
) -> anyhow::Result<ExitCode> {
    match command {
        CalendarCommand::Load { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let db = open(settings, now).await?;
            let tx = app::db::begin_write(&db).await?;
            let notice = app::calendar::service::store(&tx, &Actor::operator(), now, &text)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            tx.commit().await?;
            println!("已载入 {} 年节假日安排（{} 个放假或调休日）：{}", notice.year, notice.days.len(), notice.source);
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::List => {
            let db = open(settings, now).await?;
            for notice in app::calendar::service::notices(&db).await.map_err(|e| anyhow::anyhow!("{e}"))? {
                println!("{}  {} 天  {}", notice.year, notice.days.len(), notice.source);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `server org create`: add a unit to the organisation tree.
async fn org_command(settings: &Settings, now: DateTime<Utc>, command: OrgCommand) -> anyhow::Result<ExitCode> {
    match command {
        OrgCommand::Create { code, name, parent } => {
            let db = open(settings, now).await?;
            let tx = app::db::begin_write(&db).await?;
            let unit = app::org::service::insert(&tx, &Actor::operator(), now, parent.as_deref(), &code, &name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            tx.commit().await?;
            println!("已创建 {}（{}）。", unit.name, unit.code);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Connect, migrate, and make the audit chain writable (see `crate::audit::open`).
async fn open(settings: &Settings, now: DateTime<Utc>) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = crate::database::connect(settings).await?;
    crate::audit::open(settings, &db, now).await?;
    Ok(db)
}

async fn serve(settings: Settings, demo_if_empty: bool) -> anyhow::Result<ExitCode> {
    let app = Application::build_default(&settings).await?;
    let db = &app.state.db;
    let no_users = entities::app_user::Entity::find().one(db).await?.is_none();
    if no_users && demo_if_empty {
        println!("数据库为空，正在载入演示县数据……");
        let options = crate::demo::DemoOptions { households: 6000, seed: 2026 };
        crate::demo::load(
            db,
            &options,
            app.state.clock.now(),
            Some(&crate::demo::accounts::logins_path(&settings)),
            &mut std::io::stdout(),
        )
        .await?;
    } else if no_users {
        println!("系统中还没有任何用户。请先创建区县和第一个管理员，例如：");
        println!("  server org create --code 500152000000 --name 潼南区");
        println!("  server user create --username admin --role admin --org 500152000000 --name 系统管理员");
        println!("（或用 server demo-data 载入演示数据。）");
    }
    let url = settings.public_url.clone();
    println!("防返贫监测帮扶系统已启动：{url}  （数据库：{}）", crate::database::redact(&settings.database_url));
    let logins_file = crate::demo::accounts::logins_path(&settings);
    if logins_file.exists() {
        println!("演示账号与一次性密码见：{}", logins_file.display());
    }
    tracing::info!(%url, port = app.port(), "listening");
    app.catch_up_in_background();
    let interrupted = app::screening::service::taking::mark_interrupted(&app.state.db).await?;
    if interrupted > 0 {
        tracing::warn!(
            interrupted,
            "department warning files left running by a stopped server were marked interrupted"
        );
    }
    let relay = match &settings.smtp_url {
        Some(url) => Some(crate::mail::Relay::new(url, &settings.mail_from, "serve")?),
        None => None,
    };
    let anchor = crate::audit::Anchor::new(&settings, relay.as_ref());
    crate::jobs::start(&app.state, relay, settings.mail_relay_interval, anchor);
    app.run_until_stopped().await.context("server stopped with an error")?;
    Ok(ExitCode::SUCCESS)
}
