import { packageBuild } from "../../tsup.shared";

export default packageBuild({
  index: "src/index.ts",
  postgres: "src/postgres/index.ts",
  mysql: "src/mysql/index.ts",
  rabbitmq: "src/rabbitmq/index.ts",
  redis: "src/redis/index.ts",
  nats: "src/nats/index.ts",
});
