import type { Db } from '../../platform/db/index.ts';

export interface TelegramUser {
  id: number;
  username: string | null;
  firstName: string;
  photoFileId: string | null;
  lastSeenAt: Date;
}

const USER_COLUMNS = `id, username, first_name AS "firstName", photo_file_id AS "photoFileId", last_seen_at AS "lastSeenAt"`;

/** Records a user who wrote to the bot; a photo already known is kept when none is given. */
export async function upsertUser(db: Db, user: { id: number; username: string | null; firstName: string; photoFileId: string | null }): Promise<TelegramUser> {
  const { rows } = await db.query<TelegramUser>(
    `INSERT INTO telegram_users (id, username, first_name, photo_file_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username, first_name = EXCLUDED.first_name,
       photo_file_id = coalesce(EXCLUDED.photo_file_id, telegram_users.photo_file_id), last_seen_at = now()
     RETURNING ${USER_COLUMNS}`,
    [user.id, user.username, user.firstName, user.photoFileId],
  );
  return rows[0]!;
}

export async function findUserById(db: Db, id: number): Promise<TelegramUser | undefined> {
  const { rows } = await db.query<TelegramUser>(`SELECT ${USER_COLUMNS} FROM telegram_users WHERE id = $1`, [id]);
  return rows[0];
}

/** Usernames are case-insensitive in Telegram and move between accounts: the latest seen wins. */
export async function findUserByUsername(db: Db, username: string): Promise<TelegramUser | undefined> {
  const { rows } = await db.query<TelegramUser>(
    `SELECT ${USER_COLUMNS} FROM telegram_users WHERE lower(username) = lower($1) AND username IS NOT NULL
      ORDER BY last_seen_at DESC LIMIT 1`,
    [username],
  );
  return rows[0];
}
