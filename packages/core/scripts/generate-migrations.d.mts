/** The generated migrations module's text for the .sql files of src/postgres/migrations. */
export function migrationsModule(): string;
