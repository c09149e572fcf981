// A plugin that applies to the whole server it is registered in (hooks not encapsulated), as
// fastify-plugin does.
import fp from 'fastify-plugin';
import type { FastifyPluginCallback, FastifyPluginOptions } from 'fastify';

export function serverWide<Options extends FastifyPluginOptions>(name: string, plugin: FastifyPluginCallback<Options>): FastifyPluginCallback<Options> {
  return fp(plugin, { name, fastify: '5.x' });
}
