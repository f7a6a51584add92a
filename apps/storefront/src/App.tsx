import { Stack, Text, Title } from '@mantine/core';
import { lazy, type ReactNode } from 'react';
import { Link, Route, Routes } from 'react-router';
import { Layout } from './components/Layout.js';
import { RequireRole } from './components/RequireRole.js';
import { CataloguePage } from './pages/shop/CataloguePage.js';
import { LoginPage } from './pages/shop/LoginPage.js';
import { MyOrdersPage } from './pages/shop/MyOrdersPage.js';
import { OrderPage } from './pages/shop/OrderPage.js';
import { PayPage } from './pages/shop/PayPage.js';
import { ProductPage } from './pages/shop/ProductPage.js';
import { RegisterPage } from './pages/shop/RegisterPage.js';
import { WaitingRoomPage } from './pages/shop/WaitingRoomPage.js';

// Staff pages load on demand: shoppers never download them.
const DashboardPage = lazy(() => import('./pages/admin/DashboardPage.js').then((m) => ({ default: m.DashboardPage })));
const ProductsPage = lazy(() => import('./pages/admin/ProductsPage.js').then((m) => ({ default: m.ProductsPage })));
const AdminOrdersPage = lazy(() => import('./pages/admin/AdminOrdersPage.js').then((m) => ({ default: m.AdminOrdersPage })));
const UsersPage = lazy(() => import('./pages/admin/UsersPage.js').then((m) => ({ default: m.UsersPage })));
const StockPage = lazy(() => import('./pages/warehouse/StockPage.js').then((m) => ({ default: m.StockPage })));
const ReconcilePage = lazy(() => import('./pages/warehouse/ReconcilePage.js').then((m) => ({ default: m.ReconcilePage })));

function NotFound() {
  return (
    <Stack>
      <Title order={1}>Page not found</Title>
      <Text>
        <Link to="/">Back to the shop</Link>
      </Text>
    </Stack>
  );
}

const signedIn = (page: ReactNode) => <RequireRole roles={[]}>{page}</RequireRole>;
const admins = (page: ReactNode) => <RequireRole roles={['ADMIN']}>{page}</RequireRole>;
const staff = (page: ReactNode) => <RequireRole roles={['ADMIN', 'WAREHOUSE']}>{page}</RequireRole>;

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<CataloguePage />} />
        <Route path="products/:id" element={<ProductPage />} />
        <Route path="products/:id/waiting-room" element={signedIn(<WaitingRoomPage />)} />
        <Route path="login" element={<LoginPage />} />
        <Route path="register" element={<RegisterPage />} />
        <Route path="orders" element={signedIn(<MyOrdersPage />)} />
        <Route path="orders/:id" element={signedIn(<OrderPage />)} />
        <Route path="pay/:token" element={<PayPage />} />
        <Route path="admin" element={admins(<DashboardPage />)} />
        <Route path="admin/products" element={admins(<ProductsPage />)} />
        <Route path="admin/orders" element={admins(<AdminOrdersPage />)} />
        <Route path="admin/users" element={admins(<UsersPage />)} />
        <Route path="warehouse" element={staff(<StockPage />)} />
        <Route path="warehouse/reconcile" element={admins(<ReconcilePage />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
