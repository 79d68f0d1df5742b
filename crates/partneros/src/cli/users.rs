//! `partneros user`: accounts from the command line.

use anyhow::bail;
use clap::Subcommand;
use domain::users::NewUserInput;
use services::{Actor, Services};
use std::io::{BufRead, IsTerminal};

use super::common::describe;

#[derive(Subcommand)]
pub enum UserAction {
    /// Add an account.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, partner_manager, sales, marketing, finance, executive, partner_admin, partner_user
        #[arg(long)]
        role: String,
        /// The partner organisation id (partner roles only).
        #[arg(long)]
        partner: Option<uuid::Uuid>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Disable an account and end its sessions.
    Disable { email: String },
    /// Re-enable a disabled account.
    Enable { email: String },
    /// Set a new password and end the account's sessions.
    ResetPassword {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Benchmarks log warnings only by default: a line per request would measure the terminal.
pub async fn run(services: &Services, action: UserAction) -> anyhow::Result<()> {
    let actor = Actor::system("cli");
    match action {
        UserAction::Add {
            email,
            name,
            role,
            partner,
            password_stdin,
        } => {
            let password = read_password(password_stdin, &format!("Password for {email}"))?;
            let input = NewUserInput {
                email,
                name,
                role,
                partner_id: partner,
                password,
            };
            let user = services
                .create_user(&actor, &input)
                .await
                .map_err(describe)?;
            println!("created {} ({})", user.email, user.role);
        }
        UserAction::List => {
            let everyone = services::PageRequest::everything();
            let users = services
                .list_users(&actor, &everyone)
                .await
                .map_err(describe)?;
            for entry in users.items {
                let user = &entry.user;
                let org = user
                    .partner_id
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "internal".into());
                println!(
                    "{:<36} {:<16} {:<36} {}",
                    user.email,
                    user.role,
                    org,
                    entry.access.label()
                );
            }
        }
        UserAction::Disable { email } => {
            let user = services
                .find_user_by_email(&actor, &email)
                .await
                .map_err(describe)?;
            services
                .set_user_disabled(&actor, user.id, true)
                .await
                .map_err(describe)?;
            println!("disabled {email}");
        }
        UserAction::Enable { email } => {
            let user = services
                .find_user_by_email(&actor, &email)
                .await
                .map_err(describe)?;
            services
                .set_user_disabled(&actor, user.id, false)
                .await
                .map_err(describe)?;
            println!("enabled {email}");
        }
        UserAction::ResetPassword {
            email,
            password_stdin,
        } => {
            let user = services
                .find_user_by_email(&actor, &email)
                .await
                .map_err(describe)?;
            let password = read_password(password_stdin, &format!("New password for {email}"))?;
            services
                .reset_password(&actor, user.id, &password)
                .await
                .map_err(describe)?;
            println!("password reset for {email}; their sessions have ended");
        }
    }
    Ok(())
}

pub fn read_password(from_stdin: bool, prompt: &str) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password(format!("{prompt}: "))?;
    let second = rpassword::prompt_password("Again: ")?;
    if first != second {
        bail!("the passwords do not match");
    }
    Ok(first)
}
